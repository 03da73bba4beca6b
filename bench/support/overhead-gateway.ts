/**
 * The gateway setups of the overhead bench: `node dist/gateway/src/main.js` as a production user
 * runs it (tenant key: auth on; request, token and budget limits far above what the bench reaches:
 * throttling on; metrics on; one JSON log line per request, to a file), in one variant each:
 * embedded or Redis topology, cache hits, the Responses API, Anthropic's Messages API, OTel
 * tracing on, or another build (the baseline).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { freePort, ServerProcess } from './bench-process';
import type { SetupId } from './overhead-report';
import {
  ANTHROPIC_HEADERS,
  CHAT_BODY,
  MESSAGES_BODY,
  RESPONSES_BODY,
  STREAM_BODY,
} from './overhead-requests';
import {
  setupOf,
  UPSTREAM_KEY,
  type BenchContext,
  type Setup,
  type SetupFields,
  type Upstream,
} from './overhead-setups';

/** Far above anything the bench reaches: the limits are checked on every request, never hit. */
export const TENANT_LIMITS = {
  rate_limit_rpm: 1_000_000_000,
  tokens_per_minute: 1_000_000_000_000,
  budget_usd: 1_000_000,
  budget_period: 'monthly',
};

export interface GatewayVariant {
  id: SetupId;
  /** The build to run: a directory holding dist/gateway/src/main.js and node_modules. */
  root: string;
  endpoint: 'chat' | 'responses' | 'messages';
  cache: boolean;
  /** Redis topology: REDIS_URL and a key prefix of its own (deleted by the caller). */
  redis?: { url: string; prefix: string };
  /** OTLP/HTTP endpoint to export every span to (sampling 1.0). */
  otlpOrigin?: string;
  logLevel: string;
  /** Extra environment (the soak's throttling and config file). */
  env?: Record<string, string>;
  /** Runs the gateway under another program: `valgrind [its options] node [node's flags]`. */
  launcher?: { command: string; args: string[] };
  /** How long boot may take (a gateway under valgrind takes ~30 s). @defaultValue 30 s */
  bootTimeoutMs?: number;
}

export interface StartedGateway {
  process: ServerProcess;
  origin: string;
  adminKey: string;
  tenantKey: string;
}

function gatewayEnv(variant: GatewayVariant, upstream: Upstream, port: number, adminKey: string) {
  const { id, redis, otlpOrigin } = variant;
  const provider =
    variant.endpoint === 'messages'
      ? { ANTHROPIC_BASE_URL: upstream.origin, ANTHROPIC_API_KEY: UPSTREAM_KEY }
      : { OPENAI_BASE_URL: `${upstream.origin}/v1`, OPENAI_API_KEY: UPSTREAM_KEY };
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: variant.logLevel,
    ...provider,
    PROVIDER_ORDER: variant.endpoint === 'messages' ? 'anthropic' : 'openai',
    ADMIN_API_KEY: adminKey,
    RATE_LIMIT_RPM: String(TENANT_LIMITS.rate_limit_rpm),
    RATE_LIMIT_TPM: String(TENANT_LIMITS.tokens_per_minute),
    METRICS_ENABLED: 'true',
    CACHE_ENABLED: String(variant.cache),
    ...(redis
      ? {
          REDIS_URL: redis.url,
          REDIS_KEY_PREFIX: `${redis.prefix}${id}:`,
          QUEUE_PREFIX: `${redis.prefix}${id}-queue`,
        }
      : {}),
    ...(otlpOrigin
      ? {
          OTEL_TRACES_SAMPLER: 'always_on',
          OTEL_EXPORTER_OTLP_ENDPOINT: otlpOrigin,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_SERVICE_NAME: 'ai-gateway-bench',
          // The default queue (2048) drops most spans at this rate, which would understate the
          // cost of exporting every request.
          OTEL_BSP_MAX_QUEUE_SIZE: '65536',
          OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048',
          OTEL_BSP_SCHEDULE_DELAY: '200',
        }
      : {}),
    ...variant.env,
  };
}

/** Starts the gateway, creates a tenant with a key by the admin API, checks auth and /metrics. */
export async function startGatewayProcess(
  context: BenchContext,
  upstream: Upstream,
  variant: GatewayVariant,
): Promise<StartedGateway> {
  const { id } = variant;
  const port = await freePort();
  const adminKey = `admin-${randomUUID()}`;
  const gateway = ServerProcess.start({
    name: id,
    command: variant.launcher?.command ?? process.execPath,
    args: [...(variant.launcher?.args ?? []), join(variant.root, 'dist/gateway/src/main.js')],
    core: context.proxyCore,
    cwd: variant.root,
    // Tenants, keys and the usage ledger in a fresh SQLite file per run (the embedded default).
    env: {
      ...gatewayEnv(variant, upstream, port, adminKey),
      DATA_DIR: join(context.directory, `${id}-data`),
    },
    logFile: join(context.directory, `${id}.log`),
  });
  const origin = `http://127.0.0.1:${port}`;
  await gateway.waitUntil(
    async () => (await fetch(`${origin}/health`)).ok,
    'GET /health',
    variant.bootTimeoutMs,
  );
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
  const metrics = await fetch(`${origin}/metrics`, {
    headers: { authorization: `Bearer ${adminKey}` },
  });
  if (!metrics.ok) throw new Error(`${id}: GET /metrics answered ${metrics.status} (metrics on?)`);
  return { process: gateway, origin, adminKey, tenantKey: tenant.api_key!.key! };
}

function headerProblems(headers: Headers, expected: Record<string, string | undefined>): string[] {
  return Object.entries(expected).flatMap(([name, value]) => {
    const actual = headers.get(name);
    return actual === null || (value !== undefined && actual !== value)
      ? [`${name}: ${actual ?? '(absent)'}${value ? `, expected ${value}` : ''}`]
      : [];
  });
}

/** What a 200 answer of each endpoint must hold: a text answer in that API's shape. */
const BODY_CHECKS: Record<GatewayVariant['endpoint'], (body: unknown) => boolean> = {
  chat: (body) =>
    Boolean(
      (body as { choices?: { message?: { content?: string } }[] }).choices?.[0]?.message?.content,
    ),
  responses: (body) => {
    const response = body as { object?: string; status?: string; output?: unknown[] };
    return (
      response.object === 'response' &&
      response.status === 'completed' &&
      Boolean(response.output?.length)
    );
  },
  messages: (body) => {
    const message = body as { type?: string; content?: { text?: string }[] };
    return message.type === 'message' && Boolean(message.content?.[0]?.text);
  },
};

export async function startGateway(
  context: BenchContext,
  upstream: Upstream,
  variant: GatewayVariant,
): Promise<Setup> {
  const started = await startGatewayProcess(context, upstream, variant);
  const { id, endpoint } = variant;
  const request: Pick<SetupFields, 'url' | 'body' | 'headers' | 'streamBody' | 'upstreamKind'> =
    endpoint === 'messages'
      ? {
          url: `${started.origin}/v1/messages`,
          body: MESSAGES_BODY,
          headers: { 'x-api-key': started.tenantKey, ...ANTHROPIC_HEADERS },
          upstreamKind: 'messages',
        }
      : {
          url: `${started.origin}/v1/${endpoint === 'responses' ? 'responses' : 'chat/completions'}`,
          body: endpoint === 'responses' ? RESPONSES_BODY : CHAT_BODY,
          streamBody: endpoint === 'chat' ? STREAM_BODY : undefined,
          headers: { authorization: `Bearer ${started.tenantKey}` },
          upstreamKind: 'chat_completions',
        };
  return setupOf(context, {
    id,
    process: started.process,
    ...request,
    upstreamRequests: variant.cache ? 'none' : 'every',
    check: (headers, body) => {
      const problems = headerProblems(headers, {
        'x-gateway-provider': endpoint === 'messages' ? 'anthropic' : 'openai',
        'x-ratelimit-limit': String(TENANT_LIMITS.rate_limit_rpm),
        ...(variant.cache ? { 'x-cache': 'HIT' } : {}),
      });
      if (!BODY_CHECKS[endpoint](body))
        problems.push(`not a ${endpoint} answer: ${JSON.stringify(body).slice(0, 300)}`);
      if (problems.length) throw new Error(`${id}: ${problems.join('; ')}`);
    },
  });
}
