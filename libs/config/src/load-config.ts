import { join } from 'node:path';
import type { z } from 'zod';
import type { AppConfig, ModelPrice, ProviderConfig, RouteConfig } from './app-config.types';
import { ConfigError } from './config-error';
import { coreEnvSchema, type CoreEnv } from './env.schema';
import type { GatewayYaml } from './gateway-yaml.schema';
import { traceExportersOf } from './otel-env.schema';
import type { ProviderConfigDescriptor } from './provider-descriptor';
import { providerEnvSchema, providersFromEnv } from './providers-from-env';
import {
  describeIssues,
  mergeProviders,
  providersFromYaml,
  readGatewayYaml,
} from './providers-from-yaml';
import { buildDefaultChain, buildRoutes } from './routes-from-config';

export interface LoadedConfig {
  config: AppConfig;
  /** Non-fatal findings to log at boot. */
  warnings: string[];
}

/** Parses the environment once; a bad variable throws ConfigError naming every bad one. */
function parseEnvironment<Schema extends z.ZodType<CoreEnv>>(
  schema: Schema,
  source: NodeJS.ProcessEnv,
): z.output<Schema> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error));
  return parsed.data;
}

function checkCore(env: CoreEnv, problems: string[]): void {
  if (env.RAG_CHUNK_OVERLAP >= env.RAG_CHUNK_SIZE) {
    problems.push('RAG_CHUNK_OVERLAP: must be smaller than RAG_CHUNK_SIZE');
  }
}

/**
 * The gateway's configuration: the core variables, the providers that `descriptors` read from env
 * vars and from GATEWAY_CONFIG, the default chain and the routes. Parses everything once and
 * throws `ConfigError` listing every problem, each naming its variable, so the process can exit
 * non-zero before listening.
 */
export function loadConfigWithWarnings(
  source: NodeJS.ProcessEnv,
  descriptors: readonly ProviderConfigDescriptor[],
): LoadedConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const env = parseEnvironment(providerEnvSchema(descriptors), source);

  const yaml: GatewayYaml = env.GATEWAY_CONFIG
    ? readGatewayYaml(env.GATEWAY_CONFIG, descriptors, problems)
    : {};
  const providers = mergeProviders(
    providersFromEnv(env, descriptors, problems),
    providersFromYaml(yaml, descriptors, source, problems),
  );
  const defaultChain = buildDefaultChain(env, yaml, providers, descriptors, problems, warnings);
  const routes = buildRoutes(yaml, providers, problems);
  checkCore(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const config = appConfig(env, { providers, defaultChain, routes, prices: yaml.prices ?? {} });
  return { config, warnings };
}

export function loadConfig(
  source: NodeJS.ProcessEnv,
  descriptors: readonly ProviderConfigDescriptor[],
): AppConfig {
  return loadConfigWithWarnings(source, descriptors).config;
}

/**
 * The worker's configuration: the core variables only. The worker routes nothing, so the
 * providers' variables, PROVIDER_ORDER and GATEWAY_CONFIG are the gateway's to read and validate;
 * here `providers`, the default chain and the routes are empty.
 */
export function loadCoreConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const env = parseEnvironment(coreEnvSchema, source);
  checkCore(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return appConfig(env, { providers: [], defaultChain: [], routes: [], prices: {} });
}

interface ProviderParts {
  providers: ProviderConfig[];
  defaultChain: string[];
  routes: RouteConfig[];
  prices: Record<string, ModelPrice>;
}

function appConfig(
  env: CoreEnv,
  { providers, defaultChain, routes, prices }: ProviderParts,
): AppConfig {
  // DATA_DIR is the shared name; WORKER_DATA_DIR (its old name) still works when DATA_DIR is unset.
  const dataDir = env.DATA_DIR ?? env.WORKER_DATA_DIR ?? './data';
  return {
    server: {
      port: env.PORT,
      host: env.HOST,
      logLevel: env.LOG_LEVEL,
      logPayloads: env.LOG_PAYLOADS ?? false,
      logFlushIntervalMs: env.LOG_FLUSH_INTERVAL_MS,
      maxBodyBytes: env.MAX_BODY_BYTES,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      heapGrowthPercent: env.HEAP_GROWTH_PERCENT,
      heapNewSpaceMb: env.HEAP_NEW_SPACE_MB,
    },
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    redisCommandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    redisAutoPipelining: env.REDIS_AUTO_PIPELINING ?? false,
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
      modelRefreshMs: env.MODEL_REFRESH_SECONDS * 1000,
      modelDiscoveryTimeoutMs: env.MODEL_DISCOVERY_TIMEOUT_MS,
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
      dataDir,
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
      responsesTtlSeconds: env.RESPONSES_TTL_SECONDS,
      responsesMaxStored: env.RESPONSES_MAX_STORED,
      rateLimitRpm: env.RATE_LIMIT_RPM,
      rateLimitTpm: env.RATE_LIMIT_TPM,
      tokenCounterSyncMs: env.TOKEN_COUNTER_SYNC_MS,
      rateLimitFailMode: env.RATE_LIMIT_FAIL_MODE,
      metricsEnabled: env.METRICS_ENABLED ?? true,
      metricsAuth: env.METRICS_AUTH ?? false,
      prices,
    },
    tracing: {
      exporters: traceExportersOf(env),
      protocol:
        env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
        env.OTEL_EXPORTER_OTLP_PROTOCOL ??
        'http/protobuf',
      // Prompts and completions go into spans only where they may go into logs.
      captureContent: env.LOG_PAYLOADS ?? false,
    },
    console: {
      enabled: env.UI_ENABLED ?? true,
      sessionTtlMs: env.UI_SESSION_TTL_MINUTES * 60_000,
    },
    persistence: {
      databaseUrl: env.DATABASE_URL,
      dataDir,
      sqlitePath: join(dataDir, 'gateway.sqlite'),
      poolMax: env.DATABASE_POOL_MAX,
      sqliteCacheSizeKb: env.SQLITE_CACHE_SIZE_KB,
      apiKeyCacheTtlMs: env.API_KEY_CACHE_TTL_MS,
      usageFlushIntervalMs: env.USAGE_FLUSH_INTERVAL_MS,
      usageBatchSize: env.USAGE_BATCH_SIZE,
      usageBufferMaxRows: env.USAGE_BUFFER_MAX_ROWS,
      spendCacheTtlMs: env.SPEND_CACHE_TTL_MS,
    },
  };
}
