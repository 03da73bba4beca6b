/**
 * The setups of the gateway overhead bench other than the gateway itself (overhead-gateway.ts):
 * the mock upstream, the OTLP sink, direct calls, the floor proxy and Portkey. A setup is a URL,
 * a request body and headers, and the process to measure (none for direct calls).
 */
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, ServerProcess } from './bench-process';
import type { SetupId } from './overhead-report';
import { ANTHROPIC_HEADERS, CHAT_BODY, MESSAGES_BODY, STREAM_BODY } from './overhead-requests';
import { writeWrkScript } from './wrk-run';

export const UPSTREAM_KEY = 'sk-bench';
/** The compiled support scripts (`npm run build:tools`). */
export const DIST_SUPPORT = __dirname;

/** Where the processes run and what the run shares. */
export interface BenchContext {
  directory: string;
  /** The core of the upstream, the sink and the load generators; the proxies get the other. */
  loadCore?: number;
  proxyCore?: number;
  chunkDelayMs: number;
}

export interface Upstream {
  process: ServerProcess;
  origin: string;
}

/** What the bench upstream served: every request of a setup must reach it (or none, for hits). */
export interface UpstreamCounts {
  chat_completions: number;
  messages: number;
  failed: number;
}

export interface Setup {
  id: SetupId;
  /** The proxy under test (none for direct calls). */
  process?: ServerProcess;
  url: string;
  body: string;
  headers: Record<string, string>;
  /** The streamed form of the request, when the setup is timed streaming too. */
  streamBody?: string;
  /** Which upstream counter its requests raise. */
  upstreamKind: keyof UpstreamCounts;
  /** every: each request must reach the upstream; none: none may (cache hits). */
  upstreamRequests: 'every' | 'none';
  /** Throws when a 200 answer is not what the setup claims to be (headers, body shape). */
  check(headers: Headers, body: unknown): void;
  wrkScript: string;
  /** RSS of the proxy once started and answering, before any load. */
  idleRssMb?: number;
  /**
   * A reference to compare with, not under test (Portkey): failed requests in its latency runs
   * (an overloaded server at 1,000 req/s) are counted and shown instead of failing the run.
   */
  reference?: boolean;
}

export type SetupFields = Omit<Setup, 'wrkScript' | 'check'> & { check?: Setup['check'] };

export function setupOf(context: BenchContext, fields: SetupFields): Setup {
  const headers = { 'content-type': 'application/json', ...fields.headers };
  return {
    check: () => undefined,
    ...fields,
    headers,
    wrkScript: writeWrkScript(context.directory, fields.id, fields.body, headers),
  };
}

export async function upstreamCounts(upstream: Upstream): Promise<UpstreamCounts> {
  const response = await fetch(`${upstream.origin}/bench/requests`);
  return (await response.json()) as UpstreamCounts;
}

/** A bench child (upstream, sink) on the load core, answering once `ready` says so. */
async function startHelper(
  context: BenchContext,
  name: string,
  script: string,
  args: string[],
  ready: (origin: string) => Promise<boolean>,
): Promise<{ process: ServerProcess; origin: string }> {
  const port = await freePort();
  const server = ServerProcess.start({
    name,
    command: process.execPath,
    args: [join(DIST_SUPPORT, script), '--port', String(port), ...args],
    core: context.loadCore,
    env: { PATH: process.env.PATH },
    logFile: join(context.directory, `${name.replaceAll(' ', '-')}.log`),
  });
  const origin = `http://127.0.0.1:${port}`;
  await server.waitUntil(() => ready(origin), `${name} to listen`);
  return { process: server, origin };
}

export function startUpstream(context: BenchContext, failRate = 0, name = 'bench upstream') {
  return startHelper(
    context,
    name,
    'bench-upstream.js',
    ['--chunk-delay', String(context.chunkDelayMs), '--fail-rate', String(failRate)],
    async (origin) => (await fetch(`${origin}/bench/requests`)).ok,
  );
}

/** The OTLP/HTTP sink the `gateway-otel` setup exports its spans to. */
export function startOtlpSink(context: BenchContext) {
  return startHelper(
    context,
    'otlp sink',
    'otlp-sink.js',
    [],
    async (origin) => (await fetch(`${origin}/sink/stats`)).ok,
  );
}

export async function otlpSinkStats(origin: string): Promise<{ requests: number; bytes: number }> {
  return (await (await fetch(`${origin}/sink/stats`)).json()) as {
    requests: number;
    bytes: number;
  };
}

export function directSetup(context: BenchContext, upstream: Upstream): Setup {
  return setupOf(context, {
    id: 'direct',
    url: `${upstream.origin}/v1/chat/completions`,
    body: CHAT_BODY,
    streamBody: STREAM_BODY,
    headers: { authorization: `Bearer ${UPSTREAM_KEY}` },
    upstreamKind: 'chat_completions',
    upstreamRequests: 'every',
  });
}

/** An Anthropic client calling the (mock) Anthropic API itself: the reference of `messages`. */
export function messagesDirectSetup(context: BenchContext, upstream: Upstream): Setup {
  return setupOf(context, {
    id: 'messages-direct',
    url: `${upstream.origin}/v1/messages`,
    body: MESSAGES_BODY,
    headers: { 'x-api-key': UPSTREAM_KEY, ...ANTHROPIC_HEADERS },
    upstreamKind: 'messages',
    upstreamRequests: 'every',
  });
}

export async function startFloor(
  context: BenchContext,
  upstream: Upstream,
  env: Record<string, string> = {},
): Promise<Setup> {
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
    core: context.proxyCore,
    env: { PATH: process.env.PATH, ...env },
    logFile: join(context.directory, 'floor.log'),
  });
  const origin = `http://127.0.0.1:${port}`;
  await proxy.waitUntil(
    async () => (await fetch(`${origin}/v1/models`)).ok,
    'the floor proxy to answer',
  );
  return setupOf(context, {
    ...directSetup(context, upstream),
    id: 'floor',
    process: proxy,
    url: `${origin}/v1/chat/completions`,
  });
}

export const PORTKEY_SERVER = join(
  process.cwd(),
  'node_modules/@portkey-ai/gateway/build/start-server.js',
);

export async function startPortkey(context: BenchContext, upstream: Upstream): Promise<Setup> {
  const port = await freePort();
  const portkey = ServerProcess.start({
    name: 'portkey',
    command: process.execPath,
    args: [PORTKEY_SERVER, `--port=${port}`, '--headless'],
    core: context.proxyCore,
    env: { PATH: process.env.PATH, NODE_ENV: 'production' },
    logFile: join(context.directory, 'portkey.log'),
  });
  const setup = setupOf(context, {
    ...directSetup(context, upstream),
    id: 'portkey',
    reference: true,
    process: portkey,
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: {
      authorization: `Bearer ${UPSTREAM_KEY}`,
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${upstream.origin}/v1`,
    },
  });
  await portkey.waitUntil(
    async () => (await postOnce(setup)).status === 200,
    'Portkey to answer a chat completion',
  );
  return setup;
}

export function postOnce(setup: Setup): Promise<Response> {
  return fetch(setup.url, { method: 'POST', headers: setup.headers, body: setup.body });
}

/** Writes a small YAML file (the soak's GATEWAY_CONFIG) and returns its path. */
export function writeConfigFile(context: BenchContext, name: string, text: string): string {
  const path = join(context.directory, name);
  writeFileSync(path, text);
  return path;
}

/**
 * The Redis of the Redis-topology setups when REDIS_URL is not set: a `redis-server` of the
 * bench's own (no persistence) on the load core, like the upstream. The machine's Redis may run
 * on either core, and on the measured one its work would be counted against the gateway.
 */
export async function startPinnedRedis(
  context: BenchContext,
): Promise<{ url: string; process: ServerProcess }> {
  const port = await freePort();
  const redis = ServerProcess.start({
    name: 'redis-server',
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    core: context.loadCore,
    env: { PATH: process.env.PATH },
    logFile: join(context.directory, 'redis.log'),
  });
  const url = `redis://127.0.0.1:${port}`;
  await redis.waitUntil(() => answersPing(port), 'redis-server to answer PING');
  return { url, process: redis };
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}
