/**
 * Gateway overhead: what the gateway costs on top of the upstream, next to the least a Node proxy
 * can cost (the floor) and next to Portkey's gateway.
 *
 *   npm run bench:overhead -- [--rounds 3] [--duration 15] [--warmup 3] [--connections 64]
 *                             [--rate 100,1000] [--only direct,floor,gateway,gateway-otel,cache,portkey]
 *                             [--stream-requests 50] [--chunk-delay 5] [--log-level info]
 *                             [--redis] [--keep-logs] [--quick]
 *
 * With the defaults a run takes about 18 minutes (about 70 s per setup and round).
 * --quick: 1 round, 2 s phases, 1 s warm-up, 5 streams (a smoke test; the numbers mean little).
 * --redis: the gateways keep state and cache in Redis (REDIS_URL, else 127.0.0.1:6379) under a
 * unique key prefix, deleted at the end. --keep-logs keeps every server's output (kept anyway on
 * failure, and the directory is named).
 *
 * Setups, all against one mock OpenAI upstream that answers at once from precomputed bodies:
 * - direct: the client talks to the upstream itself;
 * - floor: a minimal node:http pass-through proxy (bench/support/pass-through-proxy.ts);
 * - gateway: `node dist/gateway/src/main.js` as in production: a tenant key (auth on), request,
 *   token and budget limits far above what the bench reaches (throttling on), metrics on, cache
 *   off, LOG_LEVEL=info (one log line per request, to a file);
 * - gateway-otel: the same with OpenTelemetry on: every request sampled (OTEL_TRACES_SAMPLER=
 *   always_on), spans exported over OTLP/protobuf to a sink in the upstream process, which
 *   discards them (its CPU is not the proxy's);
 * - cache: the same with CACHE_ENABLED=true, the same request repeated (every answer a hit);
 * - portkey: @portkey-ai/gateway's start-server.js, when installed.
 * With two or more cores the proxy under test runs on core 1, and everything else (upstream, wrk,
 * latency client, this orchestrator) on core 0, so the proxy's cost is not hidden by the load.
 *
 * Per setup and round: wrk throughput at `--connections` after a warm-up (CPU seconds of the proxy
 * from /proc/PID/stat around it, peak VmRSS sampled during it); p50/p99 over one keep-alive
 * connection; p50/p99 at each fixed `--rate`, open loop (latency from the scheduled send time);
 * a 20-chunk SSE answer: time to first byte, total time, longest gap between chunks, and whether
 * each chunk arrived on its own. Rounds alternate the setups (A B C A B C); the table shows
 * medians over rounds, ratios to the floor and to Portkey, and the targets of the performance
 * issue. Any non-200 answer, socket error, or a cache setup that reaches the upstream, fails the run.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deleteKeysWithPrefix } from '../libs/testing/src/redis/delete-keys-with-prefix';
import {
  freePort,
  killEveryChildNow,
  pinThisProcess,
  runCommand,
  ServerProcess,
} from './support/bench-process';
import type { LatencyJob, LatencyResult, StreamResult } from './support/latency-client';
import {
  buildRows,
  printTable,
  SETUP_IDS,
  SETUP_TITLES,
  summariseRounds,
  type RoundMeasurement,
  type SetupId,
} from './support/overhead-report';
import { CHAT_BODY, STREAM_BODY, STREAM_CONTENT_CHUNKS } from './support/overhead-requests';
import { assertAllSucceeded, runWrk, WRK, writeWrkScript } from './support/wrk-run';

const { values: options } = parseArgs({
  options: {
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    rate: { type: 'string' },
    only: { type: 'string' },
    'stream-requests': { type: 'string' },
    'chunk-delay': { type: 'string' },
    'log-level': { type: 'string' },
    redis: { type: 'boolean', default: false },
    'keep-logs': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
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
  redisUrl: options.redis ? (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') : undefined,
};

const ONLY = (options.only?.split(',') ?? [...SETUP_IDS]).map((id) => {
  if (!(SETUP_IDS as readonly string[]).includes(id))
    throw new Error(`--only: unknown setup "${id}" (one of ${SETUP_IDS.join(', ')})`);
  return id as SetupId;
});

/** The measured proxy gets a core of its own; the rest shares the other one. */
const [LOAD_CORE, PROXY_CORE] = availableParallelism() >= 2 ? [0, 1] : [undefined, undefined];

const PORTKEY_SERVER = join(
  process.cwd(),
  'node_modules/@portkey-ai/gateway/build/start-server.js',
);
const GATEWAY_MAIN = join(process.cwd(), 'dist/gateway/src/main.js');
/** The compiled support scripts beside this file (`npm run build:tools`). */
const DIST_SUPPORT = join(__dirname, 'support');
const UPSTREAM_KEY = 'sk-bench';
/** Far above anything the bench reaches: the limits are checked on every request, never hit. */
const TENANT_LIMITS = {
  rate_limit_rpm: 1_000_000_000,
  tokens_per_minute: 1_000_000_000_000,
  budget_usd: 1_000_000,
  budget_period: 'monthly',
};

const MEGABYTE = 1024 * 1024;
const progress = (message: string) => process.stderr.write(`${message}\n`);

interface Upstream {
  process: ServerProcess;
  origin: string;
}

interface Setup {
  id: SetupId;
  /** The proxy under test (none for direct). */
  process?: ServerProcess;
  chatUrl: string;
  headers: Record<string, string>;
  /** every: each request must reach the upstream; none: none may (cache hits). */
  upstreamRequests: 'every' | 'none';
  /** Throws when a 200 answer's headers show the setup is not what it claims to be. */
  checkHeaders(headers: Headers): void;
  wrkScript: string;
  /** RSS of the proxy once started and answering, before any load. */
  idleRssMb?: number;
}

async function upstreamChatCount(upstream: Upstream): Promise<number> {
  const response = await fetch(`${upstream.origin}/bench/requests`);
  return ((await response.json()) as { chat_completions: number }).chat_completions;
}

/** The traced setup must really export: its first spans reach the sink within a few batches. */
async function assertTracesExported(upstream: Upstream): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${upstream.origin}/bench/requests`);
    if (((await response.json()) as { trace_exports: number }).trace_exports > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('gateway-otel: no OTLP export reached the sink in 5 s (tracing on?)');
}

async function startUpstream(directory: string): Promise<Upstream> {
  const port = await freePort();
  const server = ServerProcess.start({
    name: 'bench upstream',
    command: process.execPath,
    args: [
      join(DIST_SUPPORT, 'bench-upstream.js'),
      '--port',
      String(port),
      '--chunk-delay',
      String(SETTINGS.chunkDelayMs),
    ],
    core: LOAD_CORE,
    env: { PATH: process.env.PATH },
    logFile: join(directory, 'upstream.log'),
  });
  const upstream = { process: server, origin: `http://127.0.0.1:${port}` };
  await server.waitUntil(
    async () => (await upstreamChatCount(upstream)) >= 0,
    'the upstream to listen',
  );
  return upstream;
}

function setupOf(
  directory: string,
  fields: Omit<Setup, 'wrkScript' | 'headers'> & { headers: Record<string, string> },
): Setup {
  const headers = { 'content-type': 'application/json', ...fields.headers };
  return {
    ...fields,
    headers,
    wrkScript: writeWrkScript(directory, fields.id, CHAT_BODY, headers),
  };
}

async function startFloor(directory: string, upstream: Upstream): Promise<Setup> {
  const port = await freePort();
  const proxy = ServerProcess.start({
    name: 'floor proxy',
    command: process.execPath,
    args: [
      join(DIST_SUPPORT, 'pass-through-proxy.js'),
      '--port',
      String(port),
      '--upstream-port',
      new URL(upstream.origin).port,
    ],
    core: PROXY_CORE,
    env: { PATH: process.env.PATH },
    logFile: join(directory, 'floor.log'),
  });
  const origin = `http://127.0.0.1:${port}`;
  await proxy.waitUntil(
    async () => (await fetch(`${origin}/v1/models`)).ok,
    'the floor proxy to answer',
  );
  return setupOf(directory, {
    id: 'floor',
    process: proxy,
    chatUrl: `${origin}/v1/chat/completions`,
    headers: { authorization: `Bearer ${UPSTREAM_KEY}` },
    upstreamRequests: 'every',
    checkHeaders: () => undefined,
  });
}

/** The gateway as a production user runs it; the tenant and its key come from the admin API. */
async function startGateway(
  directory: string,
  upstream: Upstream,
  variant: 'gateway' | 'gateway-otel' | 'cache',
  redisPrefix: string,
): Promise<Setup> {
  const id: SetupId = variant;
  const cache = variant === 'cache';
  const port = await freePort();
  const adminKey = `admin-${randomUUID()}`;
  const gateway = ServerProcess.start({
    name: id,
    command: process.execPath,
    args: [GATEWAY_MAIN],
    core: PROXY_CORE,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: SETTINGS.logLevel,
      OPENAI_BASE_URL: `${upstream.origin}/v1`,
      OPENAI_API_KEY: UPSTREAM_KEY,
      PROVIDER_ORDER: 'openai',
      ADMIN_API_KEY: adminKey,
      // Tenants, keys and the usage ledger in a fresh SQLite file per run (the embedded default).
      DATA_DIR: join(directory, `${id}-data`),
      RATE_LIMIT_RPM: String(TENANT_LIMITS.rate_limit_rpm),
      RATE_LIMIT_TPM: String(TENANT_LIMITS.tokens_per_minute),
      METRICS_ENABLED: 'true',
      CACHE_ENABLED: String(cache),
      ...(variant === 'gateway-otel'
        ? {
            OTEL_EXPORTER_OTLP_ENDPOINT: upstream.origin,
            OTEL_TRACES_SAMPLER: 'always_on',
            // Room for every span at thousands of requests per second (the default queue of 2048
            // would drop most, which would understate the cost); exported in batches of 2048.
            OTEL_BSP_MAX_QUEUE_SIZE: '65536',
            OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048',
            OTEL_BSP_SCHEDULE_DELAY: '200',
          }
        : {}),
      ...(SETTINGS.redisUrl
        ? {
            REDIS_URL: SETTINGS.redisUrl,
            REDIS_KEY_PREFIX: `${redisPrefix}${id}:`,
            QUEUE_PREFIX: `${redisPrefix}${id}-queue`,
          }
        : {}),
    },
    logFile: join(directory, `${id}.log`),
  });
  const origin = `http://127.0.0.1:${port}`;
  await gateway.waitUntil(async () => (await fetch(`${origin}/health`)).ok, 'GET /health');
  const created = await fetch(`${origin}/admin/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `bench-${id}`, ...TENANT_LIMITS }),
  });
  const tenant = (await created.json()) as { api_key?: { key?: string } };
  if (created.status !== 200 && created.status !== 201)
    throw new Error(
      `${id}: POST /admin/tenants answered ${created.status}: ${JSON.stringify(tenant)}`,
    );
  const anonymous = await fetch(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: CHAT_BODY,
  });
  if (anonymous.status !== 401)
    throw new Error(
      `${id}: a request without a key answered ${anonymous.status}, not 401 (auth on?)`,
    );
  const metrics = await fetch(`${origin}/metrics`);
  if (!metrics.ok) throw new Error(`${id}: GET /metrics answered ${metrics.status} (metrics on?)`);
  return setupOf(directory, {
    id,
    process: gateway,
    chatUrl: `${origin}/v1/chat/completions`,
    headers: { authorization: `Bearer ${tenant.api_key!.key!}` },
    upstreamRequests: cache ? 'none' : 'every',
    checkHeaders: (headers) => {
      const missing = (name: string, expected?: string) => {
        const value = headers.get(name);
        return value === null || (expected !== undefined && value !== expected)
          ? `${name}: ${value ?? '(absent)'}${expected ? `, expected ${expected}` : ''}`
          : undefined;
      };
      const problems = [
        missing('x-gateway-provider', 'openai'),
        missing('x-ratelimit-limit', String(TENANT_LIMITS.rate_limit_rpm)),
        cache ? missing('x-cache', 'HIT') : undefined,
      ].filter(Boolean);
      if (problems.length) throw new Error(`${id}: unexpected headers: ${problems.join('; ')}`);
    },
  });
}

async function startPortkey(directory: string, upstream: Upstream): Promise<Setup> {
  const port = await freePort();
  const portkey = ServerProcess.start({
    name: 'portkey',
    command: process.execPath,
    args: [PORTKEY_SERVER, `--port=${port}`, '--headless'],
    core: PROXY_CORE,
    env: { PATH: process.env.PATH, NODE_ENV: 'production' },
    logFile: join(directory, 'portkey.log'),
  });
  const setup = setupOf(directory, {
    id: 'portkey',
    process: portkey,
    chatUrl: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: {
      authorization: `Bearer ${UPSTREAM_KEY}`,
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${upstream.origin}/v1`,
    },
    upstreamRequests: 'every',
    checkHeaders: () => undefined,
  });
  await portkey.waitUntil(
    async () => (await postChat(setup)).status === 200,
    'Portkey to answer a chat completion',
  );
  return setup;
}

function postChat(setup: Setup) {
  return fetch(setup.chatUrl, { method: 'POST', headers: setup.headers, body: CHAT_BODY });
}

/** One request must come back 200 with a completion and the headers the setup promises. */
async function verifySetup(setup: Setup): Promise<void> {
  const response = await postChat(setup);
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`${setup.id}: answered ${response.status}: ${text.slice(0, 500)}`);
  const body = JSON.parse(text) as { choices?: { message?: { content?: string } }[] };
  if (!body.choices?.[0]?.message?.content)
    throw new Error(`${setup.id}: the answer holds no completion: ${text.slice(0, 500)}`);
  setup.checkHeaders(response.headers);
}

async function runLatencyClient<T>(job: LatencyJob, setup: Setup): Promise<T> {
  const { code, stdout, stderr } = await runCommand(
    process.execPath,
    [join(DIST_SUPPORT, 'latency-client.js'), JSON.stringify(job)],
    LOAD_CORE,
    (job.durationSeconds + 120) * 1000,
  );
  if (code !== 0) throw new Error(`${setup.id}: latency client (${job.mode}) failed:\n${stderr}`);
  const result = JSON.parse(stdout) as T & { failures: Record<string, number> };
  if (Object.keys(result.failures).length > 0)
    throw new Error(`${setup.id}: ${job.mode} requests failed: ${JSON.stringify(result.failures)}`);
  return result;
}

async function measure(setup: Setup, upstream: Upstream): Promise<RoundMeasurement> {
  await verifySetup(setup);
  const upstreamAtStart = await upstreamChatCount(upstream);
  const wrkOptions = {
    url: setup.chatUrl,
    script: setup.wrkScript,
    connections: SETTINGS.connections,
    core: LOAD_CORE,
  };
  assertAllSucceeded(
    `${setup.id} (warm-up)`,
    await runWrk({ ...wrkOptions, seconds: SETTINGS.warmup }),
  );

  const proxy = setup.process;
  let peakRss = 0;
  const upstreamBefore = await upstreamChatCount(upstream);
  const sampler = proxy && setInterval(() => (peakRss = Math.max(peakRss, proxy.rssBytes())), 200);
  const cpuBefore = proxy?.cpuSeconds();
  const load = await runWrk({ ...wrkOptions, seconds: SETTINGS.duration }).finally(() =>
    clearInterval(sampler),
  );
  const cpuAfter = proxy?.cpuSeconds();
  assertAllSucceeded(setup.id, load);
  const reached = (await upstreamChatCount(upstream)) - upstreamBefore;
  if (setup.upstreamRequests === 'every' && reached < load.requests)
    throw new Error(
      `${setup.id}: wrk counted ${load.requests} answers but only ${reached} reached the upstream`,
    );

  const job = { url: setup.chatUrl, headers: setup.headers, durationSeconds: SETTINGS.duration };
  const sequential = await runLatencyClient<LatencyResult>(
    { ...job, mode: 'sequential', body: CHAT_BODY },
    setup,
  );
  const rates: LatencyResult[] = [];
  for (const rate of SETTINGS.rates) {
    const result = await runLatencyClient<LatencyResult>(
      { ...job, mode: 'open-loop', body: CHAT_BODY, rate, connections: SETTINGS.connections },
      setup,
    );
    if (result.sendLagP99Ms! > 2)
      progress(
        `  warning: at ${rate} req/s the client sent ${result.sendLagP99Ms!.toFixed(1)} ms late (p99): ` +
          `core ${LOAD_CORE ?? '(any)'} is busy, and these latencies include it`,
      );
    rates.push(result);
  }
  const stream = await runLatencyClient<StreamResult>(
    { ...job, mode: 'stream', body: STREAM_BODY, requests: SETTINGS.streamRequests },
    setup,
  );
  if (setup.id !== 'cache' && stream.contentChunks.some((count) => count !== STREAM_CONTENT_CHUNKS))
    throw new Error(
      `${setup.id}: streamed answers carried ${JSON.stringify(stream.contentChunks)} content chunks, expected ${STREAM_CONTENT_CHUNKS}`,
    );
  if (setup.upstreamRequests === 'none') {
    const leaked = (await upstreamChatCount(upstream)) - upstreamAtStart;
    if (leaked > 0)
      throw new Error(`${setup.id}: ${leaked} requests reached the upstream: not cache hits`);
  }
  return {
    throughput: load.requestsPerSecond,
    cpuSecondsPer10k:
      cpuBefore === undefined ? undefined : ((cpuAfter! - cpuBefore) / load.requests) * 10_000,
    peakRssMb: proxy ? peakRss / MEGABYTE : undefined,
    sequential,
    rates,
    stream,
  };
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

async function main(): Promise<void> {
  for (const [path, what] of [
    [GATEWAY_MAIN, 'npm run build'],
    [join(DIST_SUPPORT, 'latency-client.js'), 'npm run build:tools'],
    [WRK, 'apt-get install wrk'],
  ])
    if (!existsSync(path)) throw new Error(`${path} is missing: ${what}`);
  pinThisProcess(LOAD_CORE);
  const directory = mkdtempSync(join(tmpdir(), 'gateway-overhead-'));
  logDirectory = directory;
  const redisPrefix = `bench-overhead-${randomUUID().slice(0, 8)}-`;
  let succeeded = false;
  const servers: ServerProcess[] = [];
  try {
    const upstream = await startUpstream(directory);
    servers.push(upstream.process);
    const setups: Setup[] = [];
    for (const id of ONLY) {
      let setup: Setup | undefined;
      if (id === 'direct')
        setup = setupOf(directory, {
          id,
          chatUrl: `${upstream.origin}/v1/chat/completions`,
          headers: { authorization: `Bearer ${UPSTREAM_KEY}` },
          upstreamRequests: 'every',
          checkHeaders: () => undefined,
        });
      else if (id === 'floor') setup = await startFloor(directory, upstream);
      else if (id === 'gateway' || id === 'gateway-otel' || id === 'cache')
        setup = await startGateway(directory, upstream, id, redisPrefix);
      else if (existsSync(PORTKEY_SERVER)) setup = await startPortkey(directory, upstream);
      else progress(`portkey: ${PORTKEY_SERVER} is not installed, skipped`);
      if (!setup) continue;
      if (setup.process) servers.push(setup.process);
      // The cache setup's first answer is a miss that fills the cache; from then on, hits.
      if (id === 'cache') await postChat(setup).then((response) => response.text());
      await verifySetup(setup);
      if (id === 'gateway-otel') await assertTracesExported(upstream);
      if (setup.process) setup.idleRssMb = setup.process.rssBytes() / MEGABYTE;
      setups.push(setup);
    }

    const measurements = new Map<SetupId, RoundMeasurement[]>(
      setups.map((setup) => [setup.id, []]),
    );
    for (let round = 1; round <= SETTINGS.rounds; round += 1)
      for (const setup of setups) {
        progress(`round ${round}/${SETTINGS.rounds}: ${SETUP_TITLES[setup.id]}`);
        measurements.get(setup.id)!.push(await measure(setup, upstream));
      }

    const summaries = new Map(
      setups.map((setup) => [
        setup.id,
        summariseRounds(measurements.get(setup.id)!, setup.idleRssMb),
      ]),
    );
    console.log(`Gateway overhead bench: ${describeMachine()}`);
    console.log(
      `${SETTINGS.rounds} rounds of ${setups.map((setup) => setup.id).join(' ')}; wrk ${SETTINGS.connections} connections ` +
        `for ${SETTINGS.duration} s after ${SETTINGS.warmup} s warm-up; ${SETTINGS.duration} s per latency run; ` +
        `${SETTINGS.streamRequests} streams per round; ` +
        (PROXY_CORE === undefined
          ? 'not pinned (one CPU)'
          : `proxy pinned to core ${PROXY_CORE}, upstream and load on core ${LOAD_CORE}`) +
        `; gateway ${SETTINGS.redisUrl ? 'with Redis' : 'embedded'}, LOG_LEVEL=${SETTINGS.logLevel}`,
    );
    console.log('');
    printTable(
      buildRows(summaries, SETTINGS),
      setups.map((setup) => setup.id),
    );
    succeeded = true;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    if (SETTINGS.redisUrl) await deleteKeysWithPrefix(redisPrefix, SETTINGS.redisUrl);
    if (succeeded && !options['keep-logs']) rmSync(directory, { recursive: true, force: true });
    else progress(`logs of the setups kept in ${directory}`);
  }
}

process.once('exit', killEveryChildNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    killEveryChildNow();
    progress(`interrupted${logDirectory ? `; logs of the setups kept in ${logDirectory}` : ''}`);
    process.exit(130);
  });

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    killEveryChildNow();
    process.exit(1);
  },
);
