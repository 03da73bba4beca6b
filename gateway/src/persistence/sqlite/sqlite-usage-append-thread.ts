import { Worker } from 'node:worker_threads';
import { DatabaseUnavailableError } from '../database-unavailable';
import type { UsageEvent } from '../records';
import { applyConnectionSettings } from './sqlite-connection-settings';
import { createUsageAppender, usageEventRow } from './sqlite-usage-append';
import { scheduleThreadAsBatch } from './thread-scheduling';

/** How long `close()` lets the thread close its connection before terminating it. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * The thread's body: plain JavaScript evaluated by `new Worker(source, { eval: true })`, not a
 * module file. Tests run the gateway in-process under ts-jest, where only `.ts` sources exist (a
 * Worker cannot load them), and production runs `dist/` `.js`: a path to either is wrong in the
 * other. An evaluated string works in both. The connection settings and the append logic are not
 * repeated here: they are `applyConnectionSettings`' and `createUsageAppender`'s source text
 * (compiled JS in both cases), and better-sqlite3 is required by the absolute path the main
 * thread resolved (an eval worker resolves bare names from the working directory, not from this
 * file).
 */
const THREAD_SOURCE = `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const applyConnectionSettings = (${applyConnectionSettings.toString()});
const createUsageAppender = (${createUsageAppender.toString()});
(${scheduleThreadAsBatch.toString()})();
let connection;
let append;
function open() {
  connection = new Database(workerData.path, { timeout: workerData.busyTimeoutMs, fileMustExist: true });
  try {
    applyConnectionSettings(connection, workerData.cacheSizeKb);
    append = createUsageAppender(connection);
  } catch (error) {
    connection.close();
    connection = undefined;
    throw error;
  }
}
parentPort.on('message', (message) => {
  if (message.type === 'close') {
    if (connection && connection.open) connection.close();
    parentPort.close();
    return;
  }
  try {
    if (!append) open();
    append(JSON.parse(message.rows));
    parentPort.postMessage({ id: message.id });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({
      id: message.id,
      error: {
        name: failure.name,
        message: failure.message,
        code: typeof failure.code === 'string' ? failure.code : undefined,
      },
    });
  }
});
`;

interface Reply {
  id: number;
  error?: { name: string; message: string; code?: string };
}

interface Job {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Writes usage batches to a SQLite file from a worker thread with its own connection, so a
 * commit's fsync (synchronous=FULL, several ms per batch) never blocks the event loop. Appends
 * run one at a time in the order given; each resolves once its transaction is durable, and a
 * read on the main connection then sees it (WAL). A failed append rejects with the driver's
 * message and `code` (`SQLITE_BUSY`, `SQLITE_FULL`, …) for `isDatabaseUnavailable`.
 *
 * The thread starts on the first append (after the main connection migrated the file) and is
 * unreferenced while idle, so it never keeps the process alive, but referenced while an append
 * is in flight, so that append is not lost. If it dies, pending appends reject as "database
 * unavailable" (the writer keeps the rows and retries) and the next append starts a new one.
 */
export class UsageAppendThread {
  private worker: Worker | undefined;
  private readonly jobs = new Map<number, Job>();
  private readonly inFlight = new Set<Promise<void>>();
  private nextId = 0;
  private closing: Promise<void> | undefined;
  private readonly driver = require.resolve('better-sqlite3');

  constructor(
    private readonly path: string,
    private readonly settings: { busyTimeoutMs: number; cacheSizeKb: number },
  ) {}

  append(events: readonly UsageEvent[]): Promise<void> {
    if (this.closing) return Promise.reject(new Error('The SQLite usage ledger is closed'));
    if (events.length === 0) return Promise.resolve();
    const worker = this.worker ?? this.start();
    const id = ++this.nextId;
    const done = new Promise<void>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      if (this.jobs.size === 1) worker.ref();
      try {
        // Rows of values as JSON text (see `UsageEventRow`), bound by the thread as they come.
        worker.postMessage({ type: 'append', id, rows: JSON.stringify(events.map(usageEventRow)) });
      } catch (error) {
        this.jobs.delete(id);
        if (this.jobs.size === 0) worker.unref();
        reject(error as Error);
      }
    });
    const tracked = done.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(tracked);
    void tracked.then(() => this.inFlight.delete(tracked));
    return done;
  }

  /** Waits for the appends in flight, then closes the thread's connection and the thread. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await Promise.all([...this.inFlight]);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
    worker.postMessage({ type: 'close' });
    await exited;
    clearTimeout(timer);
  }

  private start(): Worker {
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      name: 'sqlite-usage-append',
      workerData: { driver: this.driver, path: this.path, ...this.settings },
      // Its own V8 heap: a young generation of 3 MB (two 1 MB semi-spaces) is plenty for one
      // batch's rows at a time; V8's default lets it grow to 4 MB semi-spaces (measured: 4 MB of
      // the gateway's RSS committed for it). The old generation stays unlimited.
      resourceLimits: { maxYoungGenerationSizeMb: 3 },
    });
    worker.unref();
    let failure: Error | undefined;
    worker.on('message', (reply: Reply) => this.settle(worker, reply));
    worker.on('error', (error: Error) => (failure = error));
    worker.on('exit', (code: number) => {
      if (this.worker === worker) this.worker = undefined;
      const reason = `the SQLite usage append thread stopped (exit code ${code}${failure ? `: ${failure.message}` : ''})`;
      for (const job of this.jobs.values()) job.reject(new DatabaseUnavailableError(reason));
      this.jobs.clear();
    });
    this.worker = worker;
    return worker;
  }

  private settle(worker: Worker, reply: Reply): void {
    const job = this.jobs.get(reply.id);
    if (!job) return;
    this.jobs.delete(reply.id);
    if (this.jobs.size === 0) worker.unref();
    if (!reply.error) return job.resolve();
    const error = new Error(reply.error.message) as Error & { code?: string };
    error.name = reply.error.name;
    if (reply.error.code !== undefined) error.code = reply.error.code;
    job.reject(error);
  }
}
