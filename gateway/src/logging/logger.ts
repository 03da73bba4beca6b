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

/**
 * Structured JSON logs. Asynchronous destination so a burst of requests never blocks on stdout;
 * flushed on exit. Prompts, completions and keys are never logged unless LOG_PAYLOADS=true.
 */
export function createLogger(level: string, name: string): Logger {
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
    pino.destination({ sync: false }),
  );
}

/**
 * A logger on the same destination without redaction, for lines built field by field from an
 * allow-list (the request log): redaction clones every logged object, which made logging the
 * largest allocator on the request path; a line that can hold no secret does not need it.
 */
export function allowListLogger(logger: Logger): Logger {
  return pino(
    { level: logger.level, base: logger.bindings(), timestamp: isoTime },
    (logger as unknown as Record<symbol, pino.DestinationStream>)[pino.symbols.streamSym],
  );
}

export const LOGGER = Symbol('LOGGER');
