// Placeholder replaced by the worker app (BullMQ consumers) in the worker issue.
process.stdout.write('worker: nothing to do yet\n');
