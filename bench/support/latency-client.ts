/**
 * Latency client of the gateway overhead bench, run as its own process (pinned to the load
 * generator's core) so that its work never lands on the measured core. Takes one job as JSON in
 * argv[2], prints one JSON result on stdout.
 *
 * - `sequential`: one keep-alive connection, one request at a time, for `durationSeconds`.
 * - `open-loop`: requests sent on a fixed timetable (`rate` per second) whatever the answers do;
 *   each latency is measured from the time the request was *scheduled*, so a stall counts against
 *   every request it delayed (no coordinated omission). Timer lateness of this client is included
 *   the same way for every setup (see the direct column).
 * - `stream`: `requests` streamed completions one after another: time to the first body byte,
 *   total time, content chunks, how many separate arrivals carried them and the longest gap.
 */
import { Pool } from 'undici';

export interface LatencyJob {
  mode: 'sequential' | 'open-loop' | 'stream';
  url: string;
  headers: Record<string, string>;
  body: string;
  durationSeconds: number;
  /** open-loop: requests per second. */
  rate?: number;
  /** open-loop: connections the pool may open. */
  connections?: number;
  /** stream: requests to time. */
  requests?: number;
}

export interface LatencyResult {
  count: number;
  /** Answers other than 200, and transport errors, by status ("error" for the latter). */
  failures: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** open-loop: requests completed per second of the run. */
  achievedRate: number;
  /**
   * open-loop: how late this client sent its requests (p99, ms). More than a millisecond or two
   * means the load generator's core was too busy to keep the timetable; latencies include that.
   */
  sendLagP99Ms?: number;
}

export interface StreamResult {
  count: number;
  failures: Record<string, number>;
  ttfbMs: number[];
  totalMs: number[];
  /** Per request: chunks with content, reads that carried at least one, longest gap between those. */
  contentChunks: number[];
  separateArrivals: number[];
  maxGapMs: number[];
}

const WARMUP_REQUESTS = 200;
const STREAM_WARMUP_REQUESTS = 3;

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarise(
  latencies: number[],
  failures: Record<string, number>,
  seconds: number,
): LatencyResult {
  const sorted = Float64Array.from(latencies).sort();
  return {
    count: latencies.length,
    failures,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    achievedRate: latencies.length / seconds,
  };
}

function countFailure(failures: Record<string, number>, key: string): void {
  failures[key] = (failures[key] ?? 0) + 1;
}

/** One non-streamed request, body read to the end; returns the status or throws on transport errors. */
async function send(pool: Pool, job: LatencyJob, path: string): Promise<number> {
  const { statusCode, body } = await pool.request({
    path,
    method: 'POST',
    headers: job.headers,
    body: job.body,
  });
  await body.dump({ limit: Number.MAX_SAFE_INTEGER });
  return statusCode;
}

async function sequential(job: LatencyJob): Promise<LatencyResult> {
  const url = new URL(job.url);
  const pool = new Pool(url.origin, { connections: 1, pipelining: 1 });
  const failures: Record<string, number> = {};
  for (let index = 0; index < WARMUP_REQUESTS; index += 1) await send(pool, job, url.pathname);
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + job.durationSeconds * 1000;
  while (performance.now() < end) {
    const before = performance.now();
    try {
      const status = await send(pool, job, url.pathname);
      if (status !== 200) countFailure(failures, String(status));
    } catch {
      countFailure(failures, 'error');
    }
    latencies.push(performance.now() - before);
  }
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return summarise(latencies, failures, seconds);
}

async function openLoop(job: LatencyJob): Promise<LatencyResult> {
  const url = new URL(job.url);
  const rate = job.rate!;
  const pool = new Pool(url.origin, { connections: job.connections ?? 64, pipelining: 1 });
  const failures: Record<string, number> = {};
  // Warm the pool's connections and this client's code paths without measuring.
  await Promise.all(
    Array.from({ length: Math.min(WARMUP_REQUESTS, job.connections ?? 64) }, () =>
      send(pool, job, url.pathname).catch(() => 0),
    ),
  );
  const total = Math.max(1, Math.round(rate * job.durationSeconds));
  const intervalMs = 1000 / rate;
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const start = performance.now() + 20;
  let sent = 0;
  const sendLags: number[] = [];
  const fire = (scheduled: number) => {
    sendLags.push(performance.now() - scheduled);
    const request = send(pool, job, url.pathname)
      .then(
        (status) => {
          if (status !== 200) countFailure(failures, String(status));
        },
        () => countFailure(failures, 'error'),
      )
      .finally(() => {
        latencies.push(performance.now() - scheduled);
        inFlight.delete(request);
      });
    inFlight.add(request);
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) {
        fire(start + sent * intervalMs);
        sent += 1;
      }
      if (sent < total)
        setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
      else resolve();
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  while (inFlight.size > 0) await Promise.race(inFlight);
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  return {
    ...summarise(latencies, failures, seconds),
    sendLagP99Ms: percentile(Float64Array.from(sendLags).sort(), 99),
  };
}

async function streamOnce(pool: Pool, job: LatencyJob, path: string) {
  const before = performance.now();
  const { statusCode, body } = await pool.request({
    path,
    method: 'POST',
    headers: job.headers,
    body: job.body,
  });
  let firstByte = Number.NaN;
  let lastArrival = Number.NaN;
  let maxGap = 0;
  let contentChunks = 0;
  let separateArrivals = 0;
  let pending = '';
  await new Promise<void>((resolve, reject) => {
    body.on('data', (data: Buffer) => {
      const now = performance.now();
      if (Number.isNaN(firstByte)) firstByte = now;
      pending += data.toString();
      const frames = pending.split('\n\n');
      pending = frames.pop()!;
      let content = 0;
      for (const frame of frames) {
        if (!frame.startsWith('data: ') || frame === 'data: [DONE]') continue;
        const chunk = JSON.parse(frame.slice(6)) as {
          choices?: { delta?: { content?: string } }[];
        };
        if (chunk.choices?.[0]?.delta?.content) content += 1;
      }
      if (content > 0) {
        if (!Number.isNaN(lastArrival)) maxGap = Math.max(maxGap, now - lastArrival);
        lastArrival = now;
        contentChunks += content;
        separateArrivals += 1;
      }
    });
    body.once('end', resolve);
    body.once('error', reject);
  });
  return {
    statusCode,
    ttfbMs: firstByte - before,
    totalMs: performance.now() - before,
    contentChunks,
    separateArrivals,
    maxGapMs: maxGap,
  };
}

async function stream(job: LatencyJob): Promise<StreamResult> {
  const url = new URL(job.url);
  const pool = new Pool(url.origin, { connections: 1, pipelining: 1 });
  const result: StreamResult = {
    count: 0,
    failures: {},
    ttfbMs: [],
    totalMs: [],
    contentChunks: [],
    separateArrivals: [],
    maxGapMs: [],
  };
  for (let index = 0; index < STREAM_WARMUP_REQUESTS; index += 1)
    await streamOnce(pool, job, url.pathname);
  for (let index = 0; index < (job.requests ?? 20); index += 1) {
    try {
      const one = await streamOnce(pool, job, url.pathname);
      if (one.statusCode !== 200) countFailure(result.failures, String(one.statusCode));
      result.count += 1;
      result.ttfbMs.push(one.ttfbMs);
      result.totalMs.push(one.totalMs);
      result.contentChunks.push(one.contentChunks);
      result.separateArrivals.push(one.separateArrivals);
      result.maxGapMs.push(one.maxGapMs);
    } catch {
      countFailure(result.failures, 'error');
    }
  }
  await pool.close();
  return result;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as LatencyJob;
  const run = { sequential, 'open-loop': openLoop, stream }[job.mode];
  process.stdout.write(`${JSON.stringify(await run(job))}\n`);
}

if (require.main === module)
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
