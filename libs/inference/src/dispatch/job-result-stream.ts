import {
  ProviderError,
  STREAM_FIELDS,
  STREAM_TTL_SECONDS,
  type ChatCompletionChunk,
  type StreamEvent,
} from '@app/contracts';
import type { Redis } from 'ioredis';
import { errorFromLocalJob, rejectOnAbort } from './local-job-errors';

/** The `run` of events the gateway writes itself (a job BullMQ declared failed). */
export const GATEWAY_RUN = 'gateway';

/** Entries longer than this are trimmed (approximately): a runaway generation cannot fill Redis. */
const MAX_STREAM_LENGTH = 100_000;

export interface StreamEntry {
  run: string;
  event: StreamEvent;
}

/** Appends one event to a job's result stream and pushes its expiry forward (one round trip). */
export async function appendStreamEvent(
  redis: Redis,
  key: string,
  run: string,
  event: StreamEvent,
): Promise<void> {
  const results = await redis
    .pipeline()
    .xadd(
      key,
      'MAXLEN',
      '~',
      MAX_STREAM_LENGTH,
      '*',
      STREAM_FIELDS.run,
      run,
      STREAM_FIELDS.event,
      JSON.stringify(event),
    )
    .expire(key, STREAM_TTL_SECONDS)
    .exec();
  const failure = results?.find(([error]) => error)?.[0];
  if (failure) throw failure;
}

type XReadReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

function parseEntry(fields: string[]): StreamEntry {
  const values = new Map<string, string>();
  for (let index = 0; index + 1 < fields.length; index += 2)
    values.set(fields[index], fields[index + 1]);
  return {
    run: values.get(STREAM_FIELDS.run) ?? '',
    event: JSON.parse(values.get(STREAM_FIELDS.event) ?? '{}') as StreamEvent,
  };
}

/**
 * Every entry of a job's stream from the start, blocking while the worker has written nothing new.
 * Entries stay in Redis until read, so a slow reader loses nothing. Throws a `timeout`
 * ProviderError at `deadline`, and an `aborted` one as soon as `signal` aborts (the connection is
 * then mid-command: the caller must discard it).
 */
export async function* readStreamEntries(
  connection: Redis,
  key: string,
  signal: AbortSignal,
  deadline: number,
): AsyncGenerator<StreamEntry> {
  let lastId = '0';
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0)
      throw new ProviderError('the local worker sent nothing before the deadline', {
        kind: 'timeout',
      });
    const read = connection.xread(
      'COUNT',
      256,
      'BLOCK',
      Math.min(remaining, 5_000),
      'STREAMS',
      key,
      lastId,
    );
    const reply = (await rejectOnAbort(read, signal)) as XReadReply;
    for (const [id, fields] of reply?.[0]?.[1] ?? []) {
      lastId = id;
      yield parseEntry(fields);
    }
  }
}

/**
 * Chat chunks from stream entries. A job retried after its worker died writes a second run from
 * the beginning: before any chunk was yielded the reader follows the new run; after, the client
 * already holds half an answer, so the stream ends with an error instead of repeating text.
 */
export async function* chunksFromStreamEntries(
  entries: AsyncIterable<StreamEntry>,
): AsyncGenerator<ChatCompletionChunk> {
  let run: string | undefined;
  let yieldedAny = false;
  for await (const { run: entryRun, event } of entries) {
    if (event.type === 'error' && entryRun === GATEWAY_RUN) throw errorFromLocalJob(event.error);
    if (run !== entryRun && run !== undefined && yieldedAny) {
      throw new ProviderError('the local worker running this stream died mid-answer', {
        kind: 'invalid_response',
        code: 'worker_restarted',
        retryable: false,
      });
    }
    run = entryRun;
    if (event.type === 'done') return;
    if (event.type === 'error') throw errorFromLocalJob(event.error);
    yieldedAny = true;
    yield event.chunk;
  }
}
