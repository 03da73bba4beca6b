/**
 * Load of the soak bench, run as its own process on the load core: open loop at `rate` requests
 * per second to the gateway and, at the same instants, the same kind of request to the floor
 * proxy. Every request's prompt is new (the cache misses and fills); `streamShare` of them stream,
 * `flakyShare` of the gateway's name a route whose first target is a flaky upstream (failover),
 * `responsesShare` of the gateway's go to POST /v1/responses (stored, as by default; the floor
 * gets a plain chat call at that instant).
 * Latency is from the scheduled send time (a stall counts for every request it delays); for a
 * stream it is the time to its first byte, and a stream that does not end with [DONE] is an error.
 * Prints one JSON line per window (by completion time): per target the count, p50/p99/max and
 * errors by class (HTTP status, `transport`, `stream-cut`). The first `warmupSeconds` of the
 * timetable are a warm-up at the same rate, printed as window 0 with `warmup: true`: both
 * processes compile their hot paths (V8's tiers, lazily compiled functions) and the gateway's
 * cache fills to its cap while it runs.
 *
 *   node dist-tools/bench/support/soak-client.js '<SoakJob as JSON>'
 */
import { Pool } from 'undici';
import { percentile } from './latency-client';

export interface SoakTarget {
  origin: string;
  headers: Record<string, string>;
  /** Models to ask: the plain one, and the flaky route's (the floor has none). */
  model: string;
  flakyModel?: string;
  /** Whether it serves POST /v1/responses (the gateway does, the floor proxy's upstream not). */
  responses?: boolean;
}

export interface SoakJob {
  gateway: SoakTarget;
  floor: SoakTarget;
  rate: number;
  /** Seconds at `rate` before the first window, reported as window 0. */
  warmupSeconds: number;
  /** Seconds of measured windows after the warm-up. */
  seconds: number;
  windowSeconds: number;
  streamShare: number;
  flakyShare: number;
  responsesShare: number;
}

export interface SoakSide {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: Record<string, number>;
}

export interface SoakWindow {
  /** 0 for the warm-up. */
  window: number;
  warmup?: boolean;
  gateway: SoakSide;
  floor: SoakSide;
  /** How late this client sent (p99, ms): a busy load core shows here. */
  sendLagP99Ms: number;
}

interface Bucket {
  latencies: number[];
  errors: Record<string, number>;
}

const newBucket = (): Bucket => ({ latencies: [], errors: {} });

/**
 * A request that has no answer within 30 s counts as a `transport` error (an overloaded proxy
 * shows as errors, not as a backlog that outlives the run); once the timetable ends, what is
 * still in flight gets the same 30 s at most.
 */
const TIMEOUT_MS = 30_000;
const POOL_OPTIONS = {
  connections: 128,
  pipelining: 1,
  headersTimeout: TIMEOUT_MS,
  bodyTimeout: TIMEOUT_MS,
};

function bodyOf(model: string, index: number, stream: boolean, responses: boolean): string {
  if (responses)
    return JSON.stringify({ model, input: `Say hello in twenty words. (soak request ${index})` });
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: `Say hello in twenty words. (soak request ${index})` }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

/** One call; resolves with the error class, or undefined when it succeeded. */
async function call(pool: Pool, target: SoakTarget, body: string, stream: boolean, path: string) {
  try {
    const { statusCode, body: response } = await pool.request({
      path,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body,
    });
    if (!stream || statusCode !== 200) {
      await response.dump({ limit: Number.MAX_SAFE_INTEGER });
      return { error: statusCode === 200 ? undefined : String(statusCode), firstByte: undefined };
    }
    let firstByte: number | undefined;
    let tail = '';
    for await (const part of response) {
      firstByte ??= performance.now();
      tail = (tail + (part as Buffer).toString()).slice(-64);
    }
    return { error: tail.includes('data: [DONE]') ? undefined : 'stream-cut', firstByte };
  } catch {
    return { error: 'transport', firstByte: undefined };
  }
}

function summarise(bucket: Bucket): SoakSide {
  const sorted = Float64Array.from(bucket.latencies).sort();
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    errors: bucket.errors,
  };
}

async function run(job: SoakJob): Promise<void> {
  const pools = {
    gateway: new Pool(job.gateway.origin, POOL_OPTIONS),
    floor: new Pool(job.floor.origin, POOL_OPTIONS),
  };
  let buckets = { gateway: newBucket(), floor: newBucket() };
  let sendLags: number[] = [];
  let window = 0;
  const flush = (warmup = false) => {
    const line: SoakWindow = {
      window: warmup ? 0 : (window += 1),
      ...(warmup ? { warmup } : {}),
      gateway: summarise(buckets.gateway),
      floor: summarise(buckets.floor),
      sendLagP99Ms: percentile(Float64Array.from(sendLags).sort(), 99),
    };
    buckets = { gateway: newBucket(), floor: newBucket() };
    sendLags = [];
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  const inFlight = new Set<Promise<void>>();
  const fire = (side: 'gateway' | 'floor', index: number, scheduled: number) => {
    const target = job[side];
    // The same draw for both sides: the floor gets the same kinds at the same instants.
    const draw = (index * 0.618034) % 1;
    const stream = draw < job.streamShare;
    const responses =
      !stream && draw < job.streamShare + job.responsesShare && target.responses === true;
    const flaky =
      !stream &&
      !responses &&
      (index * 0.414214) % 1 < job.flakyShare / (1 - job.streamShare - job.responsesShare) &&
      target.flakyModel;
    const body = bodyOf(flaky ? target.flakyModel! : target.model, index, stream, responses);
    const path = responses ? '/v1/responses' : '/v1/chat/completions';
    const request = call(pools[side], target, body, stream, path).then(({ error, firstByte }) => {
      const bucket = buckets[side];
      if (error) bucket.errors[error] = (bucket.errors[error] ?? 0) + 1;
      else bucket.latencies.push((firstByte ?? performance.now()) - scheduled);
      inFlight.delete(request);
    });
    inFlight.add(request);
  };
  const total = Math.round(job.rate * (job.warmupSeconds + job.seconds));
  const intervalMs = 1000 / job.rate;
  const start = performance.now() + 20;
  // The windows start when the warm-up ends (at once without one).
  let windowTimer: NodeJS.Timeout | undefined;
  setTimeout(
    () => {
      if (job.warmupSeconds > 0) flush(true);
      windowTimer = setInterval(flush, job.windowSeconds * 1000);
    },
    start + job.warmupSeconds * 1000 - performance.now(),
  );
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) {
        const scheduled = start + sent * intervalMs;
        sendLags.push(now - scheduled);
        fire('gateway', sent, scheduled);
        fire('floor', sent, scheduled);
        sent += 1;
      }
      if (sent < total)
        setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
      else resolve();
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  const drained = Promise.all(inFlight);
  await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS + 1000))]);
  clearInterval(windowTimer);
  flush();
  await Promise.all([pools.gateway.destroy(), pools.floor.destroy()]);
}

if (require.main === module)
  run(JSON.parse(process.argv[2]) as SoakJob).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
