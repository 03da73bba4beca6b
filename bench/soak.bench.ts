/**
 * Soak: the gateway in the Redis topology at a steady open-loop rate for minutes, next to the
 * floor proxy at the same rate and the same instants, watching what a long run shows and a short
 * bench does not: latency swings, errors, and memory (the gateway's and Redis') that grows.
 *
 *   npm run bench:soak -- [--minutes 5] [--rate 200] [--window 30] [--warmup-seconds 20] [--stream-share 0.2]
 *                         [--flaky-share 0.1] [--fail-rate 0.3] [--responses-share 0]
 *                         [--warmup-windows 2] [--gateway-env NAME=VALUE ...] [--keep-logs]
 *
 * The gateway (`node dist/gateway/src/main.js`, pinned to core 1 with the floor proxy) runs with
 * REDIS_URL, else a redis-server the soak starts on the load core (as `bench:overhead` does: the
 * machine's own may run on the measured core), under a unique key prefix (deleted at the end), a tenant key
 * (auth on), request and token limits checked on every request but never reached (throttling
 * on), metrics on, the cache on (every prompt is new: it fills to CACHE_MAX_ENTRIES), LOG_LEVEL=info
 * to a file. `--stream-share` of the calls stream; `--flaky-share` name a route (GATEWAY_CONFIG)
 * whose first target is a second upstream answering `--fail-rate` of its calls 503, so the
 * gateway retries and fails over; `--responses-share` go to POST /v1/responses, stored as by
 * default (RESPONSES_TTL_SECONDS). `--gateway-env` adds a setting (e.g. RESPONSES_MAX_STORED=2000).
 * The load (bench/support/soak-client.ts) runs on core 0.
 *
 * A warm-up at the same rate comes first (`--warmup-seconds`, printed as window `warm` and not
 * judged): in its first ~10 s the gateway's V8 compiles its hot paths on the core it shares with
 * the floor (tens of ms of stalls, as in any fresh Node process), and its cache fills to its cap.
 *
 * Per window: p50/p99 of gateway and floor (time to first byte for streams), the ratio of the
 * p99s (issue #16: ≤ 3×), errors by class, the gateway's RSS, heap used and event-loop delay (its
 * /metrics), Redis used_memory and the prefix's keys and bytes, and the CPU seconds the host
 * stole from this VM (/proc/stat: a window with seconds of it measures the neighbours). Then a
 * summary: slopes per minute of RSS and Redis memory after `--warmup-windows`, and the prefix's
 * keys by shape, type and TTL.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCommand } from './support/bench-options';
import { deleteKeysWithPrefix } from '../libs/testing/src/redis/delete-keys-with-prefix';
import {
  pinThisProcess,
  runBench,
  runStreamingLines,
  type ServerProcess,
} from './support/bench-process';
import { startGatewayProcess, type StartedGateway } from './support/overhead-gateway';
import { BENCH_MODEL } from './support/overhead-requests';
import {
  DIST_SUPPORT,
  startFloor,
  startPinnedRedis,
  startUpstream,
  upstreamCounts,
  UPSTREAM_KEY,
  writeConfigFile,
  type BenchContext,
  type Upstream,
} from './support/overhead-setups';
import type { SoakJob, SoakWindow } from './support/soak-client';
import { stealMeter } from './support/host-steal';
import { sampleGateway } from './support/soak-metrics';
import { RedisProbe } from './support/soak-redis';
import { printSoakSummary, printWindow, type WindowRecord } from './support/soak-report';

const USAGE = `
npm run bench:soak -- [options]

The gateway in the Redis topology at a steady open-loop rate, next to the floor proxy at the same
instants: per-window p50/p99, errors by class, RSS, heap, event-loop delay and Redis memory, then
a summary. Options (defaults in brackets):
  --minutes M              length of the run [5]
  --rate R                 requests per second [200]
  --window S               seconds per reported window [30]
  --warmup-seconds S       seconds at the rate before the first window, printed, not judged [20]
  --stream-share F         share of calls that stream [0.2]
  --flaky-share F          share of calls to a route whose first upstream fails [0.1]
  --fail-rate F            share of the flaky upstream's calls answered 503 [0.3]
  --responses-share F      share of calls to POST /v1/responses [0]
  --warmup-windows N       windows left out of the memory slopes [2]
  --gateway-env NAME=VALUE another gateway setting (repeatable)
  --keep-logs              keep every server's output
  --help                   this text
`;

const { values: options, fail } = benchCommand('npm run bench:soak --', USAGE, {
  minutes: { type: 'string', default: '5' },
  rate: { type: 'string', default: '200' },
  window: { type: 'string', default: '30' },
  'warmup-seconds': { type: 'string', default: '20' },
  'stream-share': { type: 'string', default: '0.2' },
  'flaky-share': { type: 'string', default: '0.1' },
  'fail-rate': { type: 'string', default: '0.3' },
  'responses-share': { type: 'string', default: '0' },
  'warmup-windows': { type: 'string', default: '2' },
  'gateway-env': { type: 'string', multiple: true, default: [] },
  'keep-logs': { type: 'boolean', default: false },
});
const number = (name: Exclude<keyof typeof options, 'gateway-env' | 'keep-logs'>) => {
  const value = Number(options[name]);
  if (!Number.isFinite(value) || value < 0)
    fail(`--${name} must be a number ≥ 0, not '${options[name]}'`);
  return value;
};
const SETTINGS = {
  minutes: number('minutes'),
  rate: number('rate'),
  windowSeconds: number('window'),
  warmupSeconds: number('warmup-seconds'),
  streamShare: number('stream-share'),
  flakyShare: number('flaky-share'),
  failRate: number('fail-rate'),
  responsesShare: number('responses-share'),
  warmupWindows: number('warmup-windows'),
  /** REDIS_URL, else (set in main) a redis-server of the soak's own on the load core. */
  redisUrl: process.env.REDIS_URL ?? '',
  gatewayEnv: Object.fromEntries(
    options['gateway-env'].map((pair) => {
      const split = pair.indexOf('=');
      if (split < 1) fail(`--gateway-env ${pair}: expected NAME=VALUE`);
      return [pair.slice(0, split), pair.slice(split + 1)];
    }),
  ),
};
const [LOAD_CORE, PROXY_CORE] = availableParallelism() >= 2 ? [0, 1] : [undefined, undefined];
const FLAKY_ROUTE = 'flaky-first';
const progress = (message: string) => process.stderr.write(`${message}\n`);

/** A second provider on the flaky upstream, and a route that tries it first, then OpenAI. */
function flakyConfig(flaky: Upstream): string {
  return [
    'providers:',
    '  flaky:',
    '    type: openai-compatible',
    `    base_url: ${flaky.origin}/v1`,
    '    api_key_env: FLAKY_API_KEY',
    `    models: [${BENCH_MODEL}]`,
    'routes:',
    `  ${FLAKY_ROUTE}: [flaky/${BENCH_MODEL}, openai/${BENCH_MODEL}]`,
    'default_route: [openai]',
    '',
  ].join('\n');
}

async function startGateway(
  context: BenchContext,
  upstream: Upstream,
  flaky: Upstream,
  prefix: string,
) {
  return startGatewayProcess(context, upstream, {
    id: 'gateway-redis',
    root: process.cwd(),
    endpoint: 'chat',
    cache: true,
    redis: { url: SETTINGS.redisUrl, prefix },
    logLevel: 'info',
    env: {
      GATEWAY_CONFIG: writeConfigFile(context, 'soak-gateway.yaml', flakyConfig(flaky)),
      FLAKY_API_KEY: UPSTREAM_KEY,
      ...SETTINGS.gatewayEnv,
    },
  });
}

/** One plain, one flaky-route and one streamed call must answer 200 before the soak starts. */
async function verify(gateway: StartedGateway): Promise<void> {
  for (const [model, stream] of [
    [BENCH_MODEL, false],
    [FLAKY_ROUTE, false],
    [BENCH_MODEL, true],
  ] as const) {
    const response = await fetch(`${gateway.origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.tenantKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        stream,
        messages: [{ role: 'user', content: `check ${randomUUID()}` }],
      }),
    });
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(
        `soak check (${model}${stream ? ', stream' : ''}) answered ${response.status}: ${text.slice(0, 300)}`,
      );
  }
}

async function soak(
  context: BenchContext,
  gateway: StartedGateway,
  floorOrigin: string,
  probe: RedisProbe,
) {
  const job: SoakJob = {
    gateway: {
      origin: gateway.origin,
      headers: { authorization: `Bearer ${gateway.tenantKey}` },
      model: BENCH_MODEL,
      flakyModel: FLAKY_ROUTE,
      responses: true,
    },
    floor: {
      origin: floorOrigin,
      headers: { authorization: `Bearer ${UPSTREAM_KEY}` },
      model: BENCH_MODEL,
    },
    rate: SETTINGS.rate,
    warmupSeconds: SETTINGS.warmupSeconds,
    seconds: SETTINGS.minutes * 60,
    windowSeconds: SETTINGS.windowSeconds,
    streamShare: SETTINGS.streamShare,
    flakyShare: SETTINGS.flakyShare,
    responsesShare: SETTINGS.responsesShare,
  };
  const records: WindowRecord[] = [];
  let sampling = Promise.resolve();
  const started = Date.now();
  const windowSteal = stealMeter();
  const result = await runStreamingLines(
    process.execPath,
    [join(DIST_SUPPORT, 'soak-client.js'), JSON.stringify(job)],
    LOAD_CORE,
    (line) => {
      const window = JSON.parse(line) as SoakWindow;
      const minute = (Date.now() - started) / 60_000;
      const stealSeconds = windowSteal();
      // Samples in order, one window at a time, without holding up the client's output.
      sampling = sampling.then(async () => {
        const [metrics, usedMemory, prefix] = await Promise.all([
          sampleGateway(gateway.origin, gateway.adminKey),
          probe.usedMemory(),
          probe.prefixStats(),
        ]);
        const record = {
          ...window,
          minute,
          metrics,
          usedMemory,
          prefix,
          loadAverage: loadavg()[0],
          stealSeconds,
        };
        records.push(record);
        printWindow(record);
      });
    },
  );
  await sampling;
  if (result.code !== 0) throw new Error(`soak client failed (${result.code}):\n${result.stderr}`);
  return records;
}

let logDirectory: string | undefined;
/** The run's Redis key prefix, deleted at the end or on an interrupt. */
let runPrefix: string | undefined;

async function main(): Promise<void> {
  for (const path of [
    join(process.cwd(), 'dist/gateway/src/main.js'),
    join(DIST_SUPPORT, 'soak-client.js'),
  ])
    if (!existsSync(path))
      throw new Error(`${path} is missing: npm run build && npm run build:tools`);
  pinThisProcess(LOAD_CORE);
  const directory = mkdtempSync(join(tmpdir(), 'gateway-soak-'));
  logDirectory = directory;
  const context: BenchContext = {
    directory,
    loadCore: LOAD_CORE,
    proxyCore: PROXY_CORE,
    chunkDelayMs: 5,
  };
  const prefix = `bench-soak-${randomUUID().slice(0, 8)}-`;
  const servers: ServerProcess[] = [];
  // Stopped last: the run's keys are deleted from it after the gateway stops.
  let ownRedis: ServerProcess | undefined;
  if (!SETTINGS.redisUrl) {
    const redis = await startPinnedRedis(context);
    ownRedis = redis.process;
    SETTINGS.redisUrl = redis.url;
    progress(`redis: ${redis.url} (the soak's own, on core ${LOAD_CORE ?? 'any'})`);
  }
  runPrefix = prefix;
  const probe = new RedisProbe(SETTINGS.redisUrl, prefix);
  let succeeded = false;
  try {
    const upstream = await startUpstream(context);
    const flaky = await startUpstream(context, SETTINGS.failRate, 'flaky upstream');
    servers.push(upstream.process, flaky.process);
    const floor = await startFloor(context, upstream);
    servers.push(floor.process!);
    const gateway = await startGateway(context, upstream, flaky, prefix);
    servers.push(gateway.process);
    await verify(gateway);
    progress(
      `soak: ${SETTINGS.minutes} min at ${SETTINGS.rate} req/s, after a ${SETTINGS.warmupSeconds} s warm-up, ` +
        `to the gateway (Redis prefix ${prefix}) and to the floor; ` +
        `load average ${loadavg()
          .map((value) => value.toFixed(2))
          .join(' ')}`,
    );
    const records = await soak(context, gateway, new URL(floor.url).origin, probe);
    const counts = { upstream: await upstreamCounts(upstream), flaky: await upstreamCounts(flaky) };
    await printSoakSummary(records, { ...SETTINGS, sharedRedis: !ownRedis }, counts, probe);
    succeeded = true;
  } finally {
    probe.close();
    await Promise.all(servers.map((server) => server.stop()));
    await deleteKeysWithPrefix(prefix, SETTINGS.redisUrl);
    await ownRedis?.stop();
    if (succeeded && !options['keep-logs']) rmSync(directory, { recursive: true, force: true });
    else progress(`logs kept in ${directory}`);
  }
}

runBench(main, {
  onInterrupt: () => {
    progress(`interrupted${logDirectory ? `; logs kept in ${logDirectory}` : ''}`);
    // The run's Redis keys go too (at most 3 s: an interrupt must end the run).
    const cleanup = runPrefix ? deleteKeysWithPrefix(runPrefix, SETTINGS.redisUrl) : undefined;
    return Promise.race([cleanup, new Promise((resolve) => setTimeout(resolve, 3000))]);
  },
});
