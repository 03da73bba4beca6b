import pino, { type Logger } from 'pino';
import { isoTimestamp } from '../runtime/iso-timestamp';
import { BatchedLogStream } from './batched-log-stream';

/** pino's `time` field, ISO-formatted (see `isoTimestamp`). */
function isoTime(): string {
  return `,"time":"${isoTimestamp()}"`;
}

/**
 * Most log text held in memory before it is written, when batching (LOG_FLUSH_INTERVAL_MS > 0).
 * Each write is a job for libuv's thread pool, whose thread shares the gateway's core and wakes
 * the event loop when done: under load the cost is per write, not per byte. At 8 KB (~20 request
 * lines) the writes were ~4% of a cache hit's CPU in the profile; 64 KB makes them 8× rarer.
 * Lines still wait at most LOG_FLUSH_INTERVAL_MS.
 */
export const LOG_BUFFER_BYTES = 65_536;

export interface LogOutput {
  /** LOG_FLUSH_INTERVAL_MS; 0 (the default here) writes each line at once. */
  flushIntervalMs?: number;
  /** A file path or descriptor. @defaultValue 1 (stdout) */
  dest?: string | number;
}

/**
 * The destination of every log line: stdout (or `dest`), asynchronously (a burst of requests
 * never blocks on it), flushed on exit; in batches when `flushIntervalMs` > 0 (see
 * `BatchedLogStream`).
 */
function logDestination({ flushIntervalMs = 0, dest = 1 }: LogOutput): pino.DestinationStream {
  // maxWrite: sonic-boom would otherwise cut a batch into 16 KB writes.
  const target = pino.destination({ dest, sync: false, maxWrite: 2 * LOG_BUFFER_BYTES });
  return flushIntervalMs > 0
    ? new BatchedLogStream(target, dest, flushIntervalMs, LOG_BUFFER_BYTES)
    : target;
}

/**
 * Structured JSON logs, to stdout unless `output.dest` says otherwise (see `logDestination`).
 * Prompts, completions and keys are never logged unless LOG_PAYLOADS=true.
 */
export function createLogger(level: string, name: string, output: LogOutput = {}): Logger {
  const stream = logDestination(output);
  return pino(
    {
      name,
      level,
      base: { service: name },
      redact: {
        paths: ['apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization'],
        censor: '[redacted]',
      },
      timestamp: isoTime,
    },
    stream,
  );
}

/** Writes one `info` line of plain fields with its writer's message (see `allowListLineWriter`). */
export type LineWriter = (fields: object) => void;

const INFO_LEVEL = 30;

/**
 * `info` lines on the logger's destination, byte for byte what the logger would write for
 * fields built from an allow-list (the request log): no redaction (redaction clones every logged
 * object, and such a line can hold no secret) and no per-field serialization. pino builds a line
 * by concatenating each field's serialization, a string of ~50 parts that is flattened again when
 * the batch is joined; here the fields are one `JSON.stringify` and the line five parts
 * (callgrind: ~20,000 instructions per request line through pino). Fields must be plain values:
 * `undefined` ones are left out, as pino does. Every line has the message `msg` (its JSON, and
 * what follows it, made once). A level above `info` writes nothing.
 */
export function allowListLineWriter(logger: Logger, msg: string): LineWriter {
  if (!logger.isLevelEnabled('info')) return () => undefined;
  const stream = (logger as unknown as Record<symbol, pino.DestinationStream>)[
    pino.symbols.streamSym
  ];
  const bindings = JSON.stringify(logger.bindings()).slice(1, -1);
  const afterTime = bindings ? `,${bindings}` : '';
  const end = `,"msg":${JSON.stringify(msg)}}\n`;
  return (fields) => {
    const json = JSON.stringify(fields);
    const body = json.length > 2 ? `,${json.slice(1, -1)}` : '';
    stream.write(`{"level":${INFO_LEVEL}${isoTime()}${afterTime}${body}${end}`);
  };
}

export const LOGGER = Symbol('LOGGER');
