import pino, { type Logger } from 'pino';

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
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ sync: false }),
  );
}

export const LOGGER = Symbol('LOGGER');
