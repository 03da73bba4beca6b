/**
 * How fast a core is right now: fixed work timed on it. On a shared VM a core's speed drifts by
 * a third or more within minutes while /proc/stat records no steal (seen here: the same work took
 * 8.2 ms, then 6.3 ms a few seconds later on an idle machine; a bare Fastify route cost 31 µs of
 * CPU per request, then 72 µs half an hour later). A setup measured while the core was slow looks
 * worse than one measured while it was fast, and steal accounting cannot tell. The bench times
 * this probe on the proxy's core right before and right after each setup's wrk run and prints
 * it, so the reader sees whether two setups were compared at the same speed.
 */
import { runCommand } from './bench-process';

/**
 * The work, run in a fresh `node -e`: integer arithmetic, objects built and serialized, sha256 —
 * the kinds of work a proxy does, none of it I/O. Three warm-up passes, then the median of seven
 * (milliseconds, printed).
 */
const PROBE_SOURCE = `
const { hash } = require('node:crypto');
const data = Buffer.alloc(1024, 7);
function work() {
  let x = 0;
  for (let i = 0; i < 2e6; i++) x = (x * 31 + i) | 0;
  const objects = [];
  for (let i = 0; i < 2e4; i++) objects.push({ a: i, b: 's' + i });
  JSON.stringify(objects);
  for (let i = 0; i < 500; i++) hash('sha256', data);
  return x;
}
for (let i = 0; i < 3; i++) work();
const times = [];
for (let i = 0; i < 7; i++) {
  const start = process.hrtime.bigint();
  work();
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times.sort((a, b) => a - b);
console.log(times[3]);
`;

/** Milliseconds the probe's work took on `core` (any core when undefined). */
export async function probeCoreSpeed(core: number | undefined): Promise<number> {
  const { code, stdout, stderr } = await runCommand(
    process.execPath,
    ['-e', PROBE_SOURCE],
    core,
    60_000,
  );
  const milliseconds = Number(stdout.trim());
  if (code !== 0 || !Number.isFinite(milliseconds))
    throw new Error(`core speed probe failed (exit ${code}): ${stderr.slice(0, 500)}`);
  return milliseconds;
}
