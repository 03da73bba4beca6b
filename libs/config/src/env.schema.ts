import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { envBoolean, envInt, envList, envNumber, envString, envUrl } from './env-parsers';
import { otelEnvShape } from './otel-env.schema';

/**
 * The core environment variables, which the gateway and the worker both read. Each provider's own
 * variables (OPENAI_API_KEY, ANTHROPIC_MODEL, …) are declared by its descriptor, and the gateway
 * parses the union of these and theirs in one pass (see `providerEnvSchema`). `.env.example`
 * documents every one; they are parsed once at boot and a bad one fails naming the variable.
 */
export const coreEnvShape = {
  // --- server -------------------------------------------------------------------------------
  PORT: envInt(8080, { min: 0, max: 65535 }),
  HOST: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('127.0.0.1')),
  LOG_LEVEL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  LOG_PAYLOADS: envBoolean(false),
  /** Log lines are written in batches, at most this long after the first (0: each line at once). */
  LOG_FLUSH_INTERVAL_MS: envInt(100, { min: 0, max: 10_000 }),
  MAX_BODY_BYTES: envInt(4 * 1024 * 1024, { min: 1024 }),
  /** On SIGTERM, in-flight requests get this long before they are ended with a 503. */
  SHUTDOWN_GRACE_MS: envInt(25_000, { min: 0 }),
  /** V8 old-generation growth after each full GC, in percent of the live heap (0: V8's own). */
  HEAP_GROWTH_PERCENT: envInt(50, { min: 0, max: 300 }),
  /** Ceiling of V8's new space (both semi-spaces), in MB; held at half of it (0: V8's own). */
  HEAP_NEW_SPACE_MB: envInt(32, { min: 0, max: 1024 }),
  GATEWAY_CONFIG: envString(),
  REDIS_URL: envUrl(),
  /** Prefix of every key the gateway writes to Redis (lets replicas, tests or apps share one Redis). */
  REDIS_KEY_PREFIX: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('gateway:')),
  /** Longest wait for one Redis command (and for a silent connection) before degrading. */
  REDIS_COMMAND_TIMEOUT_MS: envInt(500, { min: 10 }),
  /** Batch the commands of one event-loop turn into one write (ioredis auto-pipelining). */
  REDIS_AUTO_PIPELINING: envBoolean(false),

  // --- routing and resilience -----------------------------------------------------------------
  PROVIDER_ORDER: envList(),
  FAILURE_THRESHOLD: envInt(3, { min: 1 }),
  RECOVERY_TIMEOUT: envNumber(30, { min: 0 }),
  MAX_RETRIES: envInt(2, { min: 0, max: 10 }),
  RETRY_BASE_DELAY_MS: envInt(200, { min: 0 }),
  RETRY_MAX_DELAY_MS: envInt(5000, { min: 0 }),
  REQUEST_TIMEOUT_MS: envInt(120_000, { min: 1 }),
  /** Per attempt: to response headers (non-stream) or the first chunk (stream). */
  FIRST_BYTE_TIMEOUT_MS: envInt(10_000, { min: 1 }),
  /** Per attempt, after the first byte: the rest of a non-stream body, or the gap between chunks. */
  STREAM_IDLE_TIMEOUT_MS: envInt(30_000, { min: 1 }),
  /** A timed-out attempt moves to the next target; true retries the same provider first. */
  RETRY_ON_TIMEOUT: envBoolean(false),
  /** How often OpenAI-compatible and Ollama providers' model lists are read again; 0: never. */
  MODEL_REFRESH_SECONDS: envInt(60, { min: 0 }),
  /** Bound on one model-list call, so a provider that does not answer never holds up boot. */
  MODEL_DISCOVERY_TIMEOUT_MS: envInt(3_000, { min: 100 }),

  // --- local worker (llama.cpp, embeddings, RAG) ----------------------------------------------
  // The model names the worker serves; the `local` provider's descriptor reads them too.
  LOCAL_CHAT_MODEL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().default('local-llm'),
  ),
  LOCAL_EMBEDDING_MODEL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().default('local-embeddings'),
  ),
  WORKER_PORT: envInt(8000, { min: 0, max: 65535 }),
  WORKER_HOST: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('127.0.0.1')),
  /** Bearer key of the worker port's RAG API; required when WORKER_HOST is not loopback. */
  WORKER_API_KEY: envString(),
  WORKER_LLM_MODEL_PATH: envString(),
  WORKER_LLM_CONCURRENCY: envInt(2, { min: 1, max: 64 }),
  WORKER_LLM_THREADS: envInt(availableParallelism(), { min: 1, max: 256 }),
  WORKER_LLM_CONTEXT_SIZE: envInt(4096, { min: 64 }),
  WORKER_LLM_SYSTEM_PROMPT: envString(),
  WORKER_EMBEDDING_BACKEND: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['transformers', 'llamacpp']).default('transformers'),
  ),
  WORKER_EMBEDDING_MODEL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().default('Xenova/all-MiniLM-L6-v2'),
  ),
  WORKER_EMBEDDING_MODEL_PATH: envString(),
  WORKER_MODELS_DIR: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().default('./models'),
  ),
  WORKER_ALLOW_REMOTE_MODELS: envBoolean(false),
  WORKER_PRELOAD: envBoolean(false),
  WORKER_MAX_QUEUE: envInt(100, { min: 1 }),
  WORKER_JOB_ATTEMPTS: envInt(2, { min: 1, max: 10 }),
  /** Old name of DATA_DIR, kept as an alias: DATA_DIR wins when both are set. */
  WORKER_DATA_DIR: envString(),
  /** BullMQ key prefix shared by gateway and worker; a unique one isolates a deployment or a test run. */
  QUEUE_PREFIX: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('bull')),
  /**
   * A killed worker's job is handed to another worker after its lock lapses (BullMQ lockDuration;
   * renewed every half of it). With the stalled check below, a dead worker is noticed within
   * lock + interval = 8 s.
   */
  WORKER_LOCK_DURATION_MS: envInt(5_000, { min: 500 }),
  /** How often workers look for jobs whose lock lapsed (BullMQ stalledInterval). */
  WORKER_STALLED_INTERVAL_MS: envInt(3_000, { min: 100 }),
  /** On SIGTERM, running jobs get this long to finish before they are handed back. */
  WORKER_SHUTDOWN_GRACE_MS: envInt(10_000, { min: 0 }),

  // --- RAG ----------------------------------------------------------------------------------------
  RAG_MAX_DOCUMENT_BYTES: envInt(1024 * 1024, { min: 1 }),
  RAG_MAX_DOCUMENTS_PER_REQUEST: envInt(256, { min: 1 }),
  RAG_CHUNK_SIZE: envInt(512, { min: 16 }),
  RAG_CHUNK_OVERLAP: envInt(64, { min: 0 }),
  RAG_EF_SEARCH: envInt(64, { min: 1 }),
  RAG_DEFAULT_COLLECTION: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().default('default'),
  ),

  // --- durable state (tenants, keys, usage ledger) ------------------------------------------------
  /** postgres://… or postgresql://…: tenants, keys and usage in PostgreSQL; unset: SQLite under DATA_DIR. */
  DATABASE_URL: envString().refine(
    (url) => url === undefined || /^postgres(ql)?:\/\/.+/.test(url),
    'must be a postgres:// or postgresql:// URL (unset: the SQLite file under DATA_DIR)',
  ),
  /** Where the gateway keeps its SQLite file and RAG collections (and the worker its RAG data). */
  DATA_DIR: envString(),
  DATABASE_POOL_MAX: envInt(10, { min: 1, max: 1000 }),
  /** Page cache of each SQLite connection, in KiB (better-sqlite3 builds SQLite with 16,000). */
  SQLITE_CACHE_SIZE_KB: envInt(2048, { min: 64, max: 1_048_576 }),
  API_KEY_CACHE_TTL_MS: envInt(5000, { min: 0, max: 3_600_000 }),
  USAGE_FLUSH_INTERVAL_MS: envInt(100, { min: 10, max: 600_000 }),
  USAGE_BATCH_SIZE: envInt(500, { min: 1, max: 10_000 }),
  USAGE_BUFFER_MAX_ROWS: envInt(100_000, { min: 1 }),
  SPEND_CACHE_TTL_MS: envInt(5000, { min: 0, max: 3_600_000 }),

  // --- production controls ------------------------------------------------------------------------
  ADMIN_API_KEY: envString(),
  CACHE_ENABLED: envBoolean(true),
  CACHE_TTL_SECONDS: envInt(3600, { min: 0 }),
  CACHE_MAX_ENTRIES: envInt(1000, { min: 1 }),
  /** How long a stored Responses API response (`store`, default true) can be continued or read. */
  RESPONSES_TTL_SECONDS: envInt(7 * 24 * 3600, { min: 1 }),
  /** Most responses kept in memory without Redis (the least recently used go first). */
  RESPONSES_MAX_STORED: envInt(10_000, { min: 1 }),
  RATE_LIMIT_RPM: envInt(0, { min: 0 }),
  RATE_LIMIT_TPM: envInt(0, { min: 0 }),
  /** Redis topology: tokens-per-minute counters are synced with Redis this often (0: per request). */
  TOKEN_COUNTER_SYNC_MS: envInt(100, { min: 0, max: 60_000 }),
  /** While Redis cannot count: `open` lets requests through uncounted, `closed` answers 503. */
  RATE_LIMIT_FAIL_MODE: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['open', 'closed'], { message: 'must be open or closed' }).default('open'),
  ),
  METRICS_ENABLED: envBoolean(true),
  /** `/metrics` and `/health/detailed` ask for ADMIN_API_KEY (liveness and readiness stay open). */
  METRICS_AUTH: envBoolean(false),

  // --- admin console --------------------------------------------------------------------------------
  /** The browser console at /ui (and its sign-in endpoints); false answers 404 there. */
  UI_ENABLED: envBoolean(true),
  /** How long a console sign-in lasts before the admin key must be entered again. */
  UI_SESSION_TTL_MINUTES: envInt(480, { min: 1, max: 7 * 24 * 60 }),

  // --- OpenTelemetry traces (the standard OTEL_* variables; off while none asks for an exporter) --
  ...otelEnvShape,
};

export const coreEnvSchema = z.object(coreEnvShape);

export type CoreEnv = z.output<typeof coreEnvSchema>;
