/**
 * Gateway overhead: what the gateway costs on top of the upstream, next to the least a Node proxy
 * can cost (the floor) and next to Portkey's gateway, with the rows of the performance issue (#16)
 * each measured side by side in one run.
 *
 *   npm run bench:overhead -- [--rounds 3] [--duration 15] [--warmup 3] [--connections 64]
 *                             [--rate 100,1000] [--only direct,floor,gateway,...]
 *                             [--baseline DIR] [--stream-requests 50] [--chunk-delay 5]
 *                             [--log-level info] [--redis] [--keep-logs] [--quick]
 *                             [--max-steal-percent 2] [--steal-retries 2]
 *
 * With the defaults a run takes about 70 s per setup and round.
 * --quick: 1 round, 2 s phases, 1 s warm-up, 5 streams (a smoke test; the numbers mean little).
 * --baseline DIR: adds the `baseline` setup, another build of the gateway (DIR holds
 * dist/gateway/src/main.js and node_modules) run with the same environment, for before/after.
 * --redis: every gateway setup but `gateway` runs in the Redis topology too (`gateway-redis`
 * always does). Redis is REDIS_URL, else a redis-server the bench starts on the load core (the
 * machine's own may run on the measured core), under a unique key prefix deleted at the end.
 * --keep-logs keeps every server's output (kept anyway on failure; the directory is named).
 * --max-steal-percent: a measured phase (wrk, each latency run) during which the host stole more
 * CPU than this share of it (duration × CPUs, from /proc/stat) is run again, up to
 * --steal-retries times; the least-stolen run is kept, and the table shows what was stolen.
 *
 * Setups (--only takes their ids), all against one mock upstream answering at once from
 * precomputed bodies (bench/support/bench-upstream.ts):
 * - direct: the client talks to the upstream itself; messages-direct: the same on /v1/messages;
 * - floor: a minimal node:http pass-through proxy (bench/support/pass-through-proxy.ts);
 * - gateway: `node dist/gateway/src/main.js` as in production (bench/support/overhead-gateway.ts):
 *   tenant key, limits checked but never reached, metrics on, cache off, LOG_LEVEL=info;
 * - gateway-redis: the same in the Redis topology (REDIS_URL);
 * - cache: CACHE_ENABLED=true, the same request repeated (every answer a hit);
 * - responses: POST /v1/responses (translated to a chat completion upstream);
 * - messages: POST /v1/messages (x-api-key, anthropic-version) to an Anthropic target;
 * - gateway-otel: tracing on, sampling 1.0, OTLP/HTTP protobuf to a sink on the load core;
 * - baseline: see --baseline;  portkey: @portkey-ai/gateway's start-server.js, when installed.
 * With two or more cores the proxy under test runs on core 1, and everything else (upstream, wrk,
 * latency client, this orchestrator) on core 0, so the proxy's cost is not hidden by the load.
 *
 * Per setup and round (bench/support/overhead-measure.ts): wrk throughput with the proxy's CPU
 * time and peak RSS; p50/p99 over one keep-alive connection; p50/p99 at each fixed `--rate`, open
 * loop; for chat setups a 20-chunk SSE answer timed chunk by chunk. Rounds alternate the setups
 * (A B C A B C); the tables show medians over rounds, ratios, and issue #16's targets. Any non-200
 * answer, socket error, or a cache setup that reaches the upstream, fails the run; Portkey's
 * failed requests (it is compared with, not tested) are counted in the table instead.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deleteKeysWithPrefix } from '../libs/testing/src/redis/delete-keys-with-prefix';
import { benchCommand } from './support/bench-options';
import { pinThisProcess, runBench, type ServerProcess } from './support/bench-process';
import { stealAllowanceSeconds } from './support/host-steal';
import { startGateway, type GatewayVariant } from './support/overhead-gateway';
import { measure, verifySetup } from './support/overhead-measure';
import {
  buildRows,
  describeRound,
  printCoreSpeedWarnings,
  printStealWarnings,
  printTable,
  SETUP_IDS,
  SETUP_TITLES,
  summariseRounds,
  type RoundMeasurement,
  type SetupId,
} from './support/overhead-report';
import {
  DIST_SUPPORT,
  directSetup,
  messagesDirectSetup,
  otlpSinkStats,
  PORTKEY_SERVER,
  postOnce,
  startFloor,
  startOtlpSink,
  startPinnedRedis,
  startPortkey,
  startUpstream,
  upstreamCounts,
  type BenchContext,
  type Setup,
  type Upstream,
} from './support/overhead-setups';
import { printComparisons, printTargets } from './support/overhead-targets';
import { WRK } from './support/wrk-run';

const USAGE = `
npm run bench:overhead -- [options]

What the gateway adds to every call, next to a minimal node:http proxy (the floor) and Portkey,
with issue #16's targets. Options (defaults in brackets):
  --rounds N              rounds; setups alternate within each [3]
  --duration S            seconds of each measured phase [15]
  --warmup S              seconds of warm-up before each phase [3]
  --connections N         wrk connections in the throughput phase [64]
  --rate R1,R2            open-loop rates, requests/s [100,1000]
  --only ID,...           setups: ${SETUP_IDS.join(', ')}
  --baseline DIR          adds \`baseline\`: another build (DIR holds dist/ and node_modules)
  --stream-requests N     streamed answers timed per round [50]
  --chunk-delay MS        upstream delay between stream chunks [5]
  --log-level LEVEL       the gateway's LOG_LEVEL [info]
  --redis                 every gateway setup in the Redis topology too
  --keep-logs             keep every server's output
  --quick                 1 round, 2 s phases: a smoke test
  --max-steal-percent P   re-run a phase when the host stole more CPU than this [2]
  --steal-retries N       re-runs allowed per phase [2]
  --help                  this text
`;

const { values: options, fail } = benchCommand('npm run bench:overhead --', USAGE, {
  rounds: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  connections: { type: 'string' },
  rate: { type: 'string' },
  only: { type: 'string' },
  baseline: { type: 'string' },
  'stream-requests': { type: 'string' },
  'chunk-delay': { type: 'string' },
  'log-level': { type: 'string' },
  redis: { type: 'boolean', default: false },
  'keep-logs': { type: 'boolean', default: false },
  quick: { type: 'boolean', default: false },
  'max-steal-percent': { type: 'string' },
  'steal-retries': { type: 'string' },
});

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    fail(`--${name} must be a positive number, not '${raw}'`);
  return value;
}

function wholeNumber(name: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) fail(`--${name} must be a whole number, not '${raw}'`);
  return value;
}

const QUICK = options.quick === true;
const SETTINGS = {
  rounds: positiveNumber('rounds', options.rounds, QUICK ? 1 : 3),
  /** Seconds of each measured phase: wrk, the 1-connection run, each fixed rate. */
  duration: positiveNumber('duration', options.duration, QUICK ? 2 : 15),
  warmup: positiveNumber('warmup', options.warmup, QUICK ? 1 : 3),
  connections: positiveNumber('connections', options.connections, 64),
  rates: (options.rate ?? '100,1000').split(',').map((rate) => positiveNumber('rate', rate, 0)),
  streamRequests: positiveNumber('stream-requests', options['stream-requests'], QUICK ? 5 : 50),
  chunkDelayMs: positiveNumber('chunk-delay', options['chunk-delay'], 5),
  logLevel: options['log-level'] ?? 'info',
  /** REDIS_URL, else (set in main) a redis-server of the bench's own on the load core. */
  redisUrl: process.env.REDIS_URL,
  baseline: options.baseline === undefined ? undefined : resolve(options.baseline),
  maxStealPercent: positiveNumber('max-steal-percent', options['max-steal-percent'], 2),
  stealRetries: wholeNumber('steal-retries', options['steal-retries'], QUICK ? 0 : 2),
};

const ONLY = (
  options.only?.split(',') ?? SETUP_IDS.filter((id) => id !== 'baseline' || SETTINGS.baseline)
).map((id) => {
  if (!(SETUP_IDS as readonly string[]).includes(id))
    fail(`--only: unknown setup '${id}' (one of ${SETUP_IDS.join(', ')})`);
  if (id === 'baseline' && !SETTINGS.baseline)
    fail('--only baseline needs --baseline DIR (a build of the gateway to compare)');
  return id as SetupId;
});

/** The measured proxy gets a core of its own; the rest shares the other one. */
const [LOAD_CORE, PROXY_CORE] = availableParallelism() >= 2 ? [0, 1] : [undefined, undefined];
const MEGABYTE = 1024 * 1024;
const progress = (message: string) => process.stderr.write(`${message}\n`);

/** The gateway setups and how each differs from `gateway`. */
function variantOf(
  id: SetupId,
  redisPrefix: string,
  otlpOrigin: string,
): GatewayVariant | undefined {
  const endpoints: Partial<Record<SetupId, GatewayVariant['endpoint']>> = {
    gateway: 'chat',
    'gateway-redis': 'chat',
    cache: 'chat',
    'gateway-otel': 'chat',
    baseline: 'chat',
    responses: 'responses',
    messages: 'messages',
  };
  const endpoint = endpoints[id];
  if (!endpoint) return undefined;
  const redis = id === 'gateway-redis' || (options.redis && id !== 'gateway');
  return {
    id,
    endpoint,
    root: id === 'baseline' ? SETTINGS.baseline! : process.cwd(),
    cache: id === 'cache',
    redis: redis ? { url: SETTINGS.redisUrl ?? '', prefix: redisPrefix } : undefined,
    otlpOrigin: id === 'gateway-otel' ? otlpOrigin : undefined,
    logLevel: SETTINGS.logLevel,
  };
}

async function startSetup(
  id: SetupId,
  context: BenchContext,
  upstream: Upstream,
  redisPrefix: string,
  otlpOrigin: string,
): Promise<Setup | undefined> {
  const variant = variantOf(id, redisPrefix, otlpOrigin);
  if (variant) return startGateway(context, upstream, variant);
  if (id === 'direct') return directSetup(context, upstream);
  if (id === 'messages-direct') return messagesDirectSetup(context, upstream);
  if (id === 'floor') return startFloor(context, upstream);
  if (existsSync(PORTKEY_SERVER)) return startPortkey(context, upstream);
  progress(`portkey: ${PORTKEY_SERVER} is not installed, skipped`);
  return undefined;
}

function describeMachine(): string {
  const model =
    /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model;
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  return `${model}, ${cpus().length} CPUs, node ${process.version}, load average at start ${load}`;
}

/** Where the servers' output goes; named when the run fails or is interrupted. */
let logDirectory: string | undefined;

async function runRounds(setups: Setup[], upstream: Upstream) {
  const measurements = new Map<SetupId, RoundMeasurement[]>(setups.map((setup) => [setup.id, []]));
  let otelRequests = 0;
  for (let round = 1; round <= SETTINGS.rounds; round += 1)
    for (const setup of setups) {
      progress(
        `round ${round}/${SETTINGS.rounds}: ${SETUP_TITLES[setup.id]} (load average ${loadavg()[0].toFixed(2)})`,
      );
      const before = (await upstreamCounts(upstream)).chat_completions;
      const measured = await measure(setup, upstream, {
        ...SETTINGS,
        loadCore: LOAD_CORE,
        proxyCore: PROXY_CORE,
      });
      progress(`  ${describeRound(measured)}`);
      measurements.get(setup.id)!.push(measured);
      if (setup.id === 'gateway-otel')
        otelRequests += (await upstreamCounts(upstream)).chat_completions - before;
    }
  return { measurements, otelRequests };
}

async function main(): Promise<void> {
  for (const [path, what] of [
    [join(process.cwd(), 'dist/gateway/src/main.js'), 'npm run build'],
    [join(DIST_SUPPORT, 'latency-client.js'), 'npm run build:tools'],
    [WRK, 'apt-get install wrk'],
    ...(SETTINGS.baseline
      ? [[join(SETTINGS.baseline, 'dist/gateway/src/main.js'), 'a build in --baseline']]
      : []),
  ])
    if (!existsSync(path)) throw new Error(`${path} is missing: ${what}`);
  pinThisProcess(LOAD_CORE);
  const machine = describeMachine();
  const directory = mkdtempSync(join(tmpdir(), 'gateway-overhead-'));
  logDirectory = directory;
  const context: BenchContext = {
    directory,
    loadCore: LOAD_CORE,
    proxyCore: PROXY_CORE,
    chunkDelayMs: SETTINGS.chunkDelayMs,
  };
  const redisPrefix = `bench-overhead-${randomUUID().slice(0, 8)}-`;
  const usesRedis = ONLY.some((id) => variantOf(id, redisPrefix, '')?.redis);
  let succeeded = false;
  const servers: ServerProcess[] = [];
  try {
    const upstream = await startUpstream(context);
    const sink = await startOtlpSink(context);
    servers.push(upstream.process, sink.process);
    if (usesRedis && !SETTINGS.redisUrl) {
      const redis = await startPinnedRedis(context);
      servers.push(redis.process);
      SETTINGS.redisUrl = redis.url;
    }
    const setups: Setup[] = [];
    for (const id of ONLY) {
      const setup = await startSetup(id, context, upstream, redisPrefix, sink.origin);
      if (!setup) continue;
      if (setup.process) servers.push(setup.process);
      // The cache setup's first answer is a miss that fills the cache; from then on, hits.
      if (id === 'cache') await postOnce(setup).then((response) => response.text());
      await verifySetup(setup);
      if (setup.process) setup.idleRssMb = setup.process.rssBytes() / MEGABYTE;
      setups.push(setup);
    }
    const { measurements, otelRequests } = await runRounds(setups, upstream);
    const summaries = new Map(
      setups.map((setup) => [
        setup.id,
        summariseRounds(measurements.get(setup.id)!, setup.idleRssMb),
      ]),
    );
    console.log(
      `Gateway overhead bench: ${machine}; load average at end ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `${SETTINGS.rounds} rounds of ${setups.map((setup) => setup.id).join(' ')}; wrk ${SETTINGS.connections} connections ` +
        `for ${SETTINGS.duration} s after ${SETTINGS.warmup} s warm-up; ${SETTINGS.duration} s per latency run; ` +
        `${SETTINGS.streamRequests} streams per round; ` +
        (PROXY_CORE === undefined
          ? 'not pinned (one CPU)'
          : `proxy pinned to core ${PROXY_CORE}, upstream and load on core ${LOAD_CORE}`) +
        `; LOG_LEVEL=${SETTINGS.logLevel}${options.redis ? '; --redis' : ''}` +
        (SETTINGS.baseline ? `; baseline ${SETTINGS.baseline}` : ''),
    );
    console.log('');
    printTable(
      buildRows(summaries, SETTINGS),
      setups.map((setup) => setup.id),
    );
    printTargets(summaries, SETTINGS.rates);
    printStealWarnings(
      summaries,
      stealAllowanceSeconds(SETTINGS, SETTINGS.duration),
      1 + SETTINGS.rates.length,
    );
    printCoreSpeedWarnings(summaries);
    const otlp = summaries.has('gateway-otel')
      ? { ...(await otlpSinkStats(sink.origin)), spansOf: otelRequests }
      : undefined;
    printComparisons(summaries, otlp);
    succeeded = true;
  } finally {
    // Keys first: the bench's own redis-server is among the servers stopped.
    if (usesRedis && SETTINGS.redisUrl)
      await deleteKeysWithPrefix(redisPrefix, SETTINGS.redisUrl).catch(() => undefined);
    await Promise.all(servers.map((server) => server.stop()));
    if (succeeded && !options['keep-logs']) rmSync(directory, { recursive: true, force: true });
    else progress(`logs of the setups kept in ${directory}`);
  }
}

runBench(main, {
  onInterrupt: () =>
    progress(`interrupted${logDirectory ? `; logs of the setups kept in ${logDirectory}` : ''}`),
});
