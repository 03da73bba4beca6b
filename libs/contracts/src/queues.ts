import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from './openai/chat-completion.types';
import type { RagIndexBody, RagSearchBody } from './rag/rag-request.schema';

/**
 * The wire between gateway and worker: BullMQ queue names and typed job payloads / results.
 * Non-streamed outcomes go back on the asking gateway's reply list (`replyTo`, a
 * `replyListForGateway` key); streamed chunks over a Redis Stream per job (key from
 * `streamKeyForJob`); a cancelled job is announced on `cancelChannel` and marked with
 * `cancelKeyForJob`.
 */
export const QUEUE_NAMES = {
  chat: 'local-chat',
  chatStream: 'local-chat-stream',
  embeddings: 'local-embeddings',
  rag: 'local-rag',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/**
 * W3C trace context of the gateway attempt that queued a job (`traceparent`, `tracestate`): the
 * worker's spans continue that trace. Absent when the gateway does not trace.
 */
export type JobTraceContext = Record<string, string>;

export interface LocalChatJob {
  requestId: string;
  trace?: JobTraceContext;
  request: ChatCompletionRequest;
  /** Epoch ms after which the gateway has given up: the worker drops the job instead of running it. */
  deadline: number;
  /**
   * The Redis list the worker pushes the outcome to (a `LocalJobReply`), for a job whose caller
   * waits on it (not for streamed jobs). Absent: the outcome is only the BullMQ return value.
   */
  replyTo?: string;
}

export type LocalChatResult = ChatCompletion;

export interface LocalEmbeddingsJob {
  requestId: string;
  trace?: JobTraceContext;
  model: string;
  input: string[];
  deadline: number;
  /** As `LocalChatJob.replyTo`. */
  replyTo?: string;
}

export interface LocalEmbeddingsResult {
  model: string;
  /** One vector per input: the base64 of its little-endian float32 values (not JSON numbers). */
  vectorsBase64: string[];
  promptTokens: number;
}

/**
 * One RAG operation, as the gateway asks it of whatever runs RAG work (this process, or a worker
 * over the `local-rag` queue). Bodies are the validated request bodies; the `RagService` that
 * runs them applies the same rules again (a worker cannot trust its queue).
 */
export type RagOperation =
  | { operation: 'index'; body: RagIndexBody }
  | { operation: 'search'; body: RagSearchBody }
  | { operation: 'delete_document'; id: string; collection?: string }
  | { operation: 'delete_collection'; name: string }
  | { operation: 'stats' };

export type RagOperationName = RagOperation['operation'];

export interface LocalRagJob {
  requestId: string;
  trace?: JobTraceContext;
  rag: RagOperation;
  deadline: number;
  /** As `LocalChatJob.replyTo`. */
  replyTo?: string;
}

/** Every job payload, by the queue that carries it: one typed union for both sides. */
export interface LocalJobsByQueue {
  chat: LocalChatJob;
  chatStream: LocalChatJob;
  embeddings: LocalEmbeddingsJob;
  rag: LocalRagJob;
}

export type LocalJob = LocalJobsByQueue[keyof LocalJobsByQueue];

/**
 * How a job ended from the caller's point of view. A worker returns `ok: false` (and the job
 * completes, so BullMQ does not retry it) for outcomes a retry cannot change: a bad request,
 * a cancelled job, a job whose deadline passed. Everything else throws and is retried.
 */
export type LocalJobOutcome<T> = { ok: true; value: T } | { ok: false; error: LocalJobError };

/** An error as it crosses the queue: the fields of the OpenAI error body plus the HTTP status. */
export interface LocalJobError {
  status: number;
  message: string;
  type?: string;
  code?: string;
  param?: string;
}

/**
 * One entry of a gateway's reply list. A job that carries `replyTo` leaves only
 * `{ ok: true, value: null }` (or its error) as its BullMQ return value: results such as
 * embedding vectors can be large, and BullMQ copies return values into its events stream.
 */
export interface LocalJobReply<T> {
  jobId: string;
  outcome: LocalJobOutcome<T>;
}

/** One entry of a job's result stream. */
export type StreamEvent =
  | { type: 'chunk'; chunk: ChatCompletionChunk }
  | { type: 'error'; error: LocalJobError }
  | { type: 'done' };

/**
 * Redis Stream entry fields: `run` is the BullMQ lock token of the worker run that wrote the
 * event, so a reader can tell a job restarted by another worker (after a crash) from the first run.
 */
export const STREAM_FIELDS = { run: 'run', event: 'event' } as const;

/** Seconds a result stream, a reply list and a cancel marker outlive their last write. */
export const STREAM_TTL_SECONDS = 300;

/** Every local-tier key lives under the BullMQ queue prefix, so one prefix isolates a deployment. */
export function streamKeyForJob(queuePrefix: string, jobId: string): string {
  return `${queuePrefix}:local:stream:${jobId}`;
}

/**
 * The reply list of one gateway's dispatcher (`gatewayId` is random per dispatcher): workers push
 * outcomes, the gateway pops them with one blocking read on a dedicated connection.
 */
export function replyListForGateway(queuePrefix: string, gatewayId: string): string {
  return `${queuePrefix}:local:replies:${gatewayId}`;
}

/** Set by the gateway when its client went away; a worker skips the job if it has not started. */
export function cancelKeyForJob(queuePrefix: string, jobId: string): string {
  return `${queuePrefix}:local:cancel:${jobId}`;
}

/** Pub/sub channel on which gateways announce cancelled job ids to running workers. */
export function cancelChannel(queuePrefix: string): string {
  return `${queuePrefix}:local:cancel`;
}
