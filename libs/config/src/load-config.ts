import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { AppConfig, ProviderConfig, RouteConfig, RouteTarget } from './app-config.types';
import { envSchema, type Env } from './env.schema';
import { gatewayYamlSchema, type GatewayYaml, type YamlTarget } from './gateway-yaml.schema';
import { ConfigError, DEFAULT_PROVIDER_ORDER, providersFromEnv } from './providers-from-env';

function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.map(String).join('.');
    return `${prefix}${name}: ${issue.message}`;
  });
}

function readYaml(path: string, problems: string[]): GatewayYaml {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(`GATEWAY_CONFIG: cannot read ${path}: ${(error as Error).message}`);
    return {};
  }
  const parsed = gatewayYamlSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    problems.push(...describeIssues(parsed.error, `GATEWAY_CONFIG (${path}) `));
    return {};
  }
  return parsed.data;
}

function providersFromYaml(
  yaml: GatewayYaml,
  env: NodeJS.ProcessEnv,
  problems: string[],
): ProviderConfig[] {
  return Object.entries(yaml.providers ?? {})
    .filter(([, entry]) => entry.enabled !== false)
    .map(([id, entry]) => {
      const apiKey = entry.api_key_env ? env[entry.api_key_env] : undefined;
      if (entry.api_key_env && !apiKey) {
        problems.push(
          `${entry.api_key_env}: needed by provider '${id}' in GATEWAY_CONFIG but not set`,
        );
      }
      const defaultModel = entry.default_model ?? entry.models?.[0];
      if (!defaultModel)
        problems.push(`GATEWAY_CONFIG providers.${id}: needs default_model or models`);
      return {
        id,
        type: entry.type,
        baseUrl: entry.base_url?.replace(/\/+$/, ''),
        apiKey,
        defaultModel: defaultModel ?? '',
        models: [...new Set([...(defaultModel ? [defaultModel] : []), ...(entry.models ?? [])])],
        embeddingModel: entry.embedding_model,
        aliases: entry.aliases ?? [],
        headers: entry.headers ?? {},
        options: entry.options ?? {},
      };
    });
}

function mergeProviders(fromEnv: ProviderConfig[], fromYaml: ProviderConfig[]): ProviderConfig[] {
  const byId = new Map(fromEnv.map((provider) => [provider.id, provider]));
  for (const provider of fromYaml) byId.set(provider.id, { ...byId.get(provider.id), ...provider });
  return [...byId.values()];
}

function resolveProviderId(name: string, providers: ProviderConfig[]): string | undefined {
  return providers.find((provider) => provider.id === name || provider.aliases.includes(name))?.id;
}

const KNOWN_IDS = new Set<string>([
  ...DEFAULT_PROVIDER_ORDER,
  'local-worker',
  'claude',
  'github-copilot',
  'google',
  'azure-openai',
  'aws-bedrock',
]);

function buildDefaultChain(
  env: Env,
  yaml: GatewayYaml,
  providers: ProviderConfig[],
  problems: string[],
  warnings: string[],
): string[] {
  const requested = env.PROVIDER_ORDER ?? yaml.default_route;
  const source = env.PROVIDER_ORDER ? 'PROVIDER_ORDER' : 'GATEWAY_CONFIG default_route';
  if (!requested) {
    const order: string[] = [...DEFAULT_PROVIDER_ORDER];
    const extra = providers.map((provider) => provider.id).filter((id) => !order.includes(id));
    // YAML-only providers go before the local tier, which always comes last.
    order.splice(order.indexOf('local'), 0, ...extra);
    return order.filter((id) => providers.some((provider) => provider.id === id));
  }
  const chain: string[] = [];
  for (const name of requested) {
    const id = resolveProviderId(name, providers);
    if (id) {
      if (!chain.includes(id)) chain.push(id);
    } else if (KNOWN_IDS.has(name)) {
      warnings.push(
        `${source} names '${name}', which is not configured (no credentials or URL set): skipped`,
      );
    } else {
      problems.push(
        `${source}: unknown provider '${name}' (configured: ${providers.map((p) => p.id).join(', ') || 'none'})`,
      );
    }
  }
  return chain;
}

function toTarget(
  target: YamlTarget,
  providers: ProviderConfig[],
  alias: string,
  problems: string[],
): RouteTarget | undefined {
  const { provider: name, model } =
    typeof target === 'string'
      ? {
          provider: target.split('/')[0],
          model: target.includes('/') ? target.slice(target.indexOf('/') + 1) : undefined,
        }
      : target;
  const id = resolveProviderId(name, providers);
  if (!id) {
    problems.push(`GATEWAY_CONFIG routes.${alias}: provider '${name}' is not configured`);
    return undefined;
  }
  return { provider: id, model };
}

function buildRoutes(
  yaml: GatewayYaml,
  providers: ProviderConfig[],
  problems: string[],
): RouteConfig[] {
  return Object.entries(yaml.routes ?? {}).map(([alias, targets]) => ({
    alias,
    targets: targets
      .map((target) => toTarget(target, providers, alias, problems))
      .filter((target): target is RouteTarget => target !== undefined),
  }));
}

export interface LoadedConfig {
  config: AppConfig;
  /** Non-fatal findings to log at boot. */
  warnings: string[];
}

/**
 * Parses the environment (and the optional YAML file) once. Throws `ConfigError` listing every
 * problem, each naming its variable, so the process can exit non-zero before listening.
 */
export function loadConfigWithWarnings(source: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error));
  const env = parsed.data;

  const yaml = env.GATEWAY_CONFIG ? readYaml(env.GATEWAY_CONFIG, problems) : {};
  const providers = mergeProviders(
    providersFromEnv(env, problems),
    providersFromYaml(yaml, source, problems),
  );
  const defaultChain = buildDefaultChain(env, yaml, providers, problems, warnings);
  const routes = buildRoutes(yaml, providers, problems);
  if (env.RAG_CHUNK_OVERLAP >= env.RAG_CHUNK_SIZE) {
    problems.push('RAG_CHUNK_OVERLAP: must be smaller than RAG_CHUNK_SIZE');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (providers.length === 0) {
    warnings.push(
      'No provider is configured: set OPENAI_API_KEY / OPENAI_BASE_URL, OLLAMA_BASE_URL, ANTHROPIC_API_KEY, … or WORKER_LLM_MODEL_PATH',
    );
  }

  const config: AppConfig = {
    server: {
      port: env.PORT,
      host: env.HOST,
      logLevel: env.LOG_LEVEL,
      logPayloads: env.LOG_PAYLOADS ?? false,
      maxBodyBytes: env.MAX_BODY_BYTES,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    },
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    redisCommandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    providers,
    routing: {
      defaultChain,
      routes,
      failureThreshold: env.FAILURE_THRESHOLD,
      recoveryTimeoutMs: Math.round(env.RECOVERY_TIMEOUT * 1000),
      maxRetries: env.MAX_RETRIES,
      retryBaseDelayMs: env.RETRY_BASE_DELAY_MS,
      retryMaxDelayMs: env.RETRY_MAX_DELAY_MS,
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
      firstByteTimeoutMs: env.FIRST_BYTE_TIMEOUT_MS,
      streamIdleTimeoutMs: env.STREAM_IDLE_TIMEOUT_MS,
      retryOnTimeout: env.RETRY_ON_TIMEOUT ?? false,
    },
    worker: {
      port: env.WORKER_PORT,
      host: env.WORKER_HOST,
      apiKey: env.WORKER_API_KEY,
      llmModelPath: env.WORKER_LLM_MODEL_PATH,
      llmConcurrency: env.WORKER_LLM_CONCURRENCY,
      llmThreads: env.WORKER_LLM_THREADS,
      llmContextSize: env.WORKER_LLM_CONTEXT_SIZE,
      llmSystemPrompt: env.WORKER_LLM_SYSTEM_PROMPT,
      embeddingBackend: env.WORKER_EMBEDDING_BACKEND,
      embeddingModel: env.WORKER_EMBEDDING_MODEL,
      embeddingModelPath: env.WORKER_EMBEDDING_MODEL_PATH,
      modelsDir: env.WORKER_MODELS_DIR,
      allowRemoteModels: env.WORKER_ALLOW_REMOTE_MODELS ?? false,
      preload: env.WORKER_PRELOAD ?? false,
      maxQueue: env.WORKER_MAX_QUEUE,
      jobAttempts: env.WORKER_JOB_ATTEMPTS,
      dataDir: env.WORKER_DATA_DIR,
      queuePrefix: env.QUEUE_PREFIX,
      lockDurationMs: env.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
      shutdownGraceMs: env.WORKER_SHUTDOWN_GRACE_MS,
      chatModelName: env.LOCAL_CHAT_MODEL,
      embeddingModelName: env.LOCAL_EMBEDDING_MODEL,
    },
    rag: {
      maxDocumentBytes: env.RAG_MAX_DOCUMENT_BYTES,
      maxDocumentsPerRequest: env.RAG_MAX_DOCUMENTS_PER_REQUEST,
      chunkSize: env.RAG_CHUNK_SIZE,
      chunkOverlap: env.RAG_CHUNK_OVERLAP,
      efSearch: env.RAG_EF_SEARCH,
      defaultCollection: env.RAG_DEFAULT_COLLECTION,
    },
    controls: {
      adminApiKey: env.ADMIN_API_KEY,
      cacheEnabled: env.CACHE_ENABLED ?? true,
      cacheTtlSeconds: env.CACHE_TTL_SECONDS,
      cacheMaxEntries: env.CACHE_MAX_ENTRIES,
      rateLimitRpm: env.RATE_LIMIT_RPM,
      rateLimitTpm: env.RATE_LIMIT_TPM,
      rateLimitFailMode: env.RATE_LIMIT_FAIL_MODE,
      metricsEnabled: env.METRICS_ENABLED ?? true,
      prices: yaml.prices ?? {},
    },
  };
  return { config, warnings };
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfigWithWarnings(source).config;
}
