/** The typed configuration both apps receive, built once at boot by `loadConfig()`. */

/**
 * A provider's own settings (YAML `options`, or built from env vars): each provider descriptor
 * declares and validates its own shape (Azure deployment, Bedrock region, Anthropic max tokens…).
 */
export type ProviderSettings = Readonly<Record<string, string | number | boolean | undefined>>;

export interface ProviderConfig<Settings extends ProviderSettings = ProviderSettings> {
  /** Unique id used in routes, headers, metrics and `"provider"` pins (e.g. "openai"). */
  id: string;
  /** The descriptor that configures and builds it (e.g. "openai-compatible", "ollama"). */
  type: string;
  baseUrl?: string;
  /** Resolved secret; never logged or returned. */
  apiKey?: string;
  /** Model used when a route names this provider without a model. */
  defaultModel: string;
  /** Concrete models this provider serves (requests may name them directly). */
  models: string[];
  embeddingModel?: string;
  /** Other names that pin this provider (e.g. "local-worker" for "local"). */
  aliases: string[];
  /** Extra HTTP headers sent upstream. */
  headers: Record<string, string>;
  /** Type-specific settings, validated by the provider's descriptor. */
  options: Settings;
}

export interface RouteTarget {
  provider: string;
  /** Absent: the provider's default model. */
  model?: string;
}

export interface RouteConfig {
  alias: string;
  targets: RouteTarget[];
}

export interface ModelPrice {
  /** USD per 1M input (prompt) tokens. */
  input: number;
  /** USD per 1M output (completion) tokens. */
  output: number;
}

export interface RoutingConfig {
  /** Provider ids in fallback order for the default route and for concrete-model fallback. */
  defaultChain: string[];
  routes: RouteConfig[];
  failureThreshold: number;
  recoveryTimeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  requestTimeoutMs: number;
  /** @defaultValue 10000 */
  firstByteTimeoutMs: number;
  /** After the first byte: a non-stream body's read, or the gap between stream chunks. @defaultValue 30000 */
  streamIdleTimeoutMs: number;
  /** Retry a timed-out attempt on the same provider before moving on. @defaultValue false */
  retryOnTimeout: boolean;
  /**
   * How often providers that list their upstream's models (OpenAI-compatible, Ollama) list them
   * again (MODEL_REFRESH_SECONDS); 0 lists them once, at boot. @defaultValue 60000
   */
  modelRefreshMs: number;
  /** Bound on one model-list call (MODEL_DISCOVERY_TIMEOUT_MS). @defaultValue 3000 */
  modelDiscoveryTimeoutMs: number;
}

export interface WorkerConfig {
  port: number;
  host: string;
  /** Bearer key of the RAG API on the worker port (WORKER_API_KEY); required beyond loopback. */
  apiKey?: string;
  llmModelPath?: string;
  llmConcurrency: number;
  llmThreads: number;
  llmContextSize: number;
  llmSystemPrompt?: string;
  embeddingBackend: 'transformers' | 'llamacpp';
  embeddingModel: string;
  embeddingModelPath?: string;
  modelsDir: string;
  allowRemoteModels: boolean;
  preload: boolean;
  maxQueue: number;
  jobAttempts: number;
  dataDir: string;
  /** BullMQ key prefix (QUEUE_PREFIX). @defaultValue 'bull' */
  queuePrefix: string;
  /** BullMQ lockDuration: a dead worker's job is retried once it lapses. @defaultValue 5000 */
  lockDurationMs: number;
  /** BullMQ stalledInterval: how often lapsed locks are looked for. @defaultValue 3000 */
  stalledIntervalMs: number;
  /** @defaultValue 10000 */
  shutdownGraceMs: number;
  chatModelName: string;
  embeddingModelName: string;
}

export interface RagConfig {
  maxDocumentBytes: number;
  maxDocumentsPerRequest: number;
  chunkSize: number;
  chunkOverlap: number;
  efSearch: number;
  defaultCollection: string;
}

export interface ControlsConfig {
  adminApiKey?: string;
  cacheEnabled: boolean;
  cacheTtlSeconds: number;
  cacheMaxEntries: number;
  /** Life of a stored Responses API response (RESPONSES_TTL_SECONDS). @defaultValue 604800 */
  responsesTtlSeconds: number;
  /** Most responses kept, in memory or in Redis (RESPONSES_MAX_STORED). @defaultValue 10000 */
  responsesMaxStored: number;
  rateLimitRpm: number;
  rateLimitTpm: number;
  /** Redis topology: how often token counters are synced with Redis; 0 = on every request. @defaultValue 100 */
  tokenCounterSyncMs: number;
  /** While Redis cannot count: let requests through (`open`) or answer 503 (`closed`). @defaultValue 'open' */
  rateLimitFailMode: 'open' | 'closed';
  metricsEnabled: boolean;
  /** `/metrics` and `/health/detailed` need the admin key (METRICS_AUTH). @defaultValue false */
  metricsAuth: boolean;
  /** Per-model prices from config; merged over the shipped price table. */
  prices: Record<string, ModelPrice>;
}

export interface ConsoleConfig {
  /** Serve the admin console at /ui (UI_ENABLED). @defaultValue true */
  enabled: boolean;
  /** Lifetime of a console session cookie (UI_SESSION_TTL_MINUTES). @defaultValue 8 hours */
  sessionTtlMs: number;
}

/** Durable records: tenants, API keys and the usage ledger (SQLite file or PostgreSQL). */
export interface PersistenceConfig {
  /** DATABASE_URL (postgres://…); absent: the SQLite file at `sqlitePath`. */
  databaseUrl?: string;
  /** DATA_DIR, else its old name WORKER_DATA_DIR. @defaultValue './data' */
  dataDir: string;
  /** `<dataDir>/gateway.sqlite` */
  sqlitePath: string;
  /** Largest PostgreSQL connection pool per gateway process (DATABASE_POOL_MAX). @defaultValue 10 */
  poolMax: number;
  /** Page cache per SQLite connection, KiB (SQLITE_CACHE_SIZE_KB). @defaultValue 2048 */
  sqliteCacheSizeKb: number;
  /** How long a replica trusts a cached key lookup (API_KEY_CACHE_TTL_MS). @defaultValue 5000 */
  apiKeyCacheTtlMs: number;
  /** Usage rows are written at least this often (USAGE_FLUSH_INTERVAL_MS). @defaultValue 100 */
  usageFlushIntervalMs: number;
  /** …or as soon as this many are waiting (USAGE_BATCH_SIZE). @defaultValue 500 */
  usageBatchSize: number;
  /** Rows kept in memory while the database is unreachable; older ones beyond it are dropped. @defaultValue 100000 */
  usageBufferMaxRows: number;
  /** How long a replica trusts the ledger spend it read for budget checks (SPEND_CACHE_TTL_MS). @defaultValue 5000 */
  spendCacheTtlMs: number;
}

export interface AppConfig {
  server: {
    port: number;
    host: string;
    logLevel: string;
    logPayloads: boolean;
    /** Longest a log line waits in memory to be written with others; 0 = at once. @defaultValue 100 */
    logFlushIntervalMs: number;
    maxBodyBytes: number;
    /** On SIGTERM, in-flight requests get this long before they end with a 503. @defaultValue 25000 */
    shutdownGraceMs: number;
    /** Old-generation growth per full GC, % of the live heap; 0 = V8's heuristic. @defaultValue 50 */
    heapGrowthPercent: number;
    /** Ceiling of V8's new space (both semi-spaces) in MB, held at half; 0 = V8's own. @defaultValue 32 */
    heapNewSpaceMb: number;
  };
  redisUrl?: string;
  /** Prefix of every Redis key. @defaultValue 'gateway:' */
  redisKeyPrefix: string;
  /** Longest wait for one Redis command before the feature degrades. @defaultValue 500 */
  redisCommandTimeoutMs: number;
  /**
   * ioredis auto-pipelining (REDIS_AUTO_PIPELINING): fewer writes at saturation, but each batch's
   * pipeline object is promoted by V8 and full GCs come several times as often. @defaultValue false
   */
  redisAutoPipelining: boolean;
  providers: ProviderConfig[];
  routing: RoutingConfig;
  worker: WorkerConfig;
  rag: RagConfig;
  controls: ControlsConfig;
  console: ConsoleConfig;
  persistence: PersistenceConfig;
  tracing: TracingConfig;
}

/**
 * OpenTelemetry traces. The SDK reads the rest of the OTEL_* variables itself (endpoint, headers,
 * sampler, resource, batching); these are the decisions the apps make before loading it.
 */
export interface TracingConfig {
  /** Empty: tracing is off and the SDK is never loaded. @defaultValue [] */
  exporters: ('otlp' | 'console')[];
  /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL. @defaultValue 'http/protobuf' */
  protocol: 'http/protobuf' | 'http/json' | 'grpc';
  /** Prompt and completion text in spans (LOG_PAYLOADS=true). @defaultValue false */
  captureContent: boolean;
}
