import pino, { type Logger } from 'pino';

let lastMillisecond = 0;
let lastTimestamp = '';

/** pino's ISO timestamp, formatted once per millisecond instead of once per line. */
function isoTime(): string {
  const now = Date.now();
  if (now !== lastMillisecond) {
    lastMillisecond = now;
    lastTimestamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTimestamp;
}

/** Lines held in memory before they are written, when buffering (LOG_FLUSH_INTERVAL_MS > 0). */
export const LOG_BUFFER_BYTES = 8192;

/** Called by pino for each line just before it goes to the stream (its `streamWrite` hook). */
type LineHook = (line: string) => string;

/** The hook of each buffered stream, so the request log's second logger on it uses it too. */
const lineHooks = new WeakMap<pino.DestinationStream, LineHook>();

export interface LogOutput {
  /** LOG_FLUSH_INTERVAL_MS; 0 (the default here) writes each line at once. */
  flushIntervalMs?: number;
  /** A file path or descriptor. @defaultValue 1 (stdout) */
  dest?: string | number;
}

/**
 * The destination of every log line: stdout (or `dest`), asynchronously (a burst of requests never blocks on
 * it), flushed on exit. With `flushIntervalMs` > 0, lines wait in memory until LOG_BUFFER_BYTES
 * have gathered or `flushIntervalMs` has passed since the first of them, whichever comes first:
 * one write per batch of lines instead of one per line. At one request at a time, that write
 * (handed to libuv's thread pool) cost ~0.1 ms of the gateway's ~0.45 ms per request; under load
 * lines batch up anyway.
 */
function logDestination({ flushIntervalMs = 0, dest = 1 }: LogOutput): pino.DestinationStream {
  if (flushIntervalMs <= 0) return pino.destination({ dest, sync: false });
  const stream = pino.destination({ dest, sync: false, minLength: LOG_BUFFER_BYTES });
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    stream.flush();
  };
  lineHooks.set(stream, (line) => {
    // Unref'd: a pending flush never keeps the process alive, and the exit handler flushes.
    timer ??= setTimeout(flush, flushIntervalMs).unref();
    return line;
  });
  return stream;
}

/** `{ hooks }` for a buffered stream, `{}` otherwise (pino wants no `hooks: undefined`). */
function hooksOf(stream: pino.DestinationStream): Pick<pino.LoggerOptions, 'hooks'> {
  const streamWrite = lineHooks.get(stream);
  return streamWrite ? { hooks: { streamWrite } } : {};
}

/**
 * Structured JSON logs, to stdout unless `output.dest` says otherwise (see `logDestination`). Prompts, completions and keys are never
 * logged unless LOG_PAYLOADS=true.
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
      ...hooksOf(stream),
    },
    stream,
  );
}

/**
 * A logger on the same destination without redaction, for lines built field by field from an
 * allow-list (the request log): redaction clones every logged object, which made logging the
 * largest allocator on the request path; a line that can hold no secret does not need it.
 */
export function allowListLogger(logger: Logger): Logger {
  const stream = (logger as unknown as Record<symbol, pino.DestinationStream>)[
    pino.symbols.streamSym
  ];
  return pino(
    { level: logger.level, base: logger.bindings(), timestamp: isoTime, ...hooksOf(stream) },
    stream,
  );
}

export const LOGGER = Symbol('LOGGER');
