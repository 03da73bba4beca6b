/**
 * Where one proxied request's time goes, seen from inside the proxy without changing its code:
 * preloaded (`node -r dist-tools/bench/support/stage-probe.js …`) into the gateway or the floor
 * proxy, it subscribes to Node's and undici's diagnostics channels and times each request in four
 * stages:
 *
 * - `before upstream`: the request's headers parsed → the upstream request created (body read,
 *   auth, limits, parsing, routing, the provider's request build); for the floor's `node:http`
 *   client, → its request ended (the body piped through);
 * - `client send`: → the upstream request's headers written (undici's queue and dispatch; the
 *   floor's `node:http` has written them by then, so 0);
 * - `upstream headers`: → the upstream's response headers (the upstream's own work and the
 *   loopback both ways, then parsing them);
 * - `upstream body`: → the upstream's body complete (undici; the floor pipes, so 0);
 * - `after upstream`: → the response to the client finished (parsing the answer, usage, cost,
 *   metrics, the log line, serializing, the write).
 *
 * Each stage is recorded twice: its time, and the part of it the event loop was busy (not waiting
 * in epoll: `performance.eventLoopUtilization()`'s idle time left out), under `<stage> busy`. A
 * wait for the upstream that is mostly busy is JS (or GC) of this request still running after it
 * was sent, not the upstream being slow.
 *
 * One request at a time (`bench:stages` sends them sequentially on one connection), so a
 * request's marks are the process's latest ones: no correlation is needed. On SIGUSR2 it writes
 * the durations recorded since the last signal (µs, per stage) to STAGE_PROBE_FILE and starts
 * over: the bench resets after its warm-up, then collects.
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export const STAGES = [
  'before upstream',
  'client send',
  'upstream headers',
  'upstream body',
  'after upstream',
];
export type StageSamples = Record<string, number[]> & { total: number[] };
export const busy = (stage: string) => `${stage} busy`;

const output = process.env.STAGE_PROBE_FILE;
/** A moment: when (µs), and how long the event loop had been idle by then (µs). */
type Mark = [at: number, idle: number];
const now = (): Mark => [
  Number(process.hrtime.bigint()) / 1000,
  performance.eventLoopUtilization().idle * 1000,
];

let samples: StageSamples = newSamples();
let marks: Mark[] = [];

export function newSamples(): StageSamples {
  const stages = [...STAGES, 'total'];
  return Object.fromEntries([...stages, ...stages.map(busy)].map((stage) => [stage, []])) as never;
}

function record(stage: string, from: Mark, to: Mark) {
  samples[stage].push(to[0] - from[0]);
  samples[busy(stage)].push(to[0] - from[0] - (to[1] - from[1]));
}

/** Marks 0–4: request start, upstream created, its headers sent, response headers, body end. */
function mark(index: number) {
  return () => {
    if (index === 0) marks = [];
    // A channel that does not fire for this client (the floor's node:http has no "sent") takes
    // the previous mark's time, so its stage reads 0.
    if (marks.length === 0 && index > 0) return;
    while (marks.length < index) marks.push(marks[marks.length - 1]);
    if (marks.length === index) marks.push(now());
  };
}

function finish() {
  const end = now();
  if (marks.length < 4) return; // not a proxied request (a health check, a cache hit)
  while (marks.length < 5) marks.push(marks[marks.length - 1]);
  const [start, created, sent, headers, bodyEnd] = marks;
  record('before upstream', start, created);
  record('client send', created, sent);
  record('upstream headers', sent, headers);
  record('upstream body', headers, bodyEnd);
  record('after upstream', bodyEnd, end);
  record('total', start, end);
  marks = [];
}

if (output) {
  subscribe('http.server.request.start', mark(0));
  subscribe('undici:request:create', mark(1));
  subscribe('http.client.request.start', mark(1));
  subscribe('undici:client:sendHeaders', mark(2));
  subscribe('undici:request:headers', mark(3));
  subscribe('http.client.response.finish', mark(3));
  subscribe('undici:request:trailers', mark(4));
  subscribe('http.server.response.finish', finish);
  process.on('SIGUSR2', () => {
    writeFileSync(output, JSON.stringify(samples));
    samples = newSamples();
  });
}
