import type { Logger as SdkLogger } from '@anthropic-ai/sdk/client';
import pino, { type Logger } from 'pino';

/** What the adapter needs of the gateway's structured (pino) logger. */
export type ProviderLogger = Pick<Logger, 'warn' | 'error' | 'info' | 'debug'>;

/** Longest SDK message kept: SDK log lines may quote response data, which is never logged. */
const MAX_MESSAGE_LENGTH = 300;

/**
 * Routes `@anthropic-ai/sdk`'s own output into the gateway's pino log, each distinct warning once
 * per model instead of once per call.
 *
 * The SDK writes its model-deprecation notices ("The model 'claude-sonnet-4-5' is deprecated…")
 * and thinking-form notices with a bare `console.warn` inside `messages.create()`, before its
 * first `await`, bypassing its `logger` option. `capture` therefore swaps `console.warn` only for
 * the synchronous part of that call: no other code can run in between, so nothing else is caught
 * and nothing is lost. Everything the SDK does log through its `logger` option (`sdkLogger`)
 * arrives here too.
 */
export class AnthropicSdkLog {
  private readonly reported = new Set<string>();

  constructor(
    private readonly logger: ProviderLogger,
    private readonly provider: string,
  ) {}

  /** Calls `create` with the SDK's console warnings routed to the log, once each per model. */
  capture<T>(model: string, create: () => T): T {
    const original = console.warn;
    const warnings: string[] = [];
    console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
    try {
      return create();
    } finally {
      console.warn = original;
      for (const warning of warnings) this.warnOnce(model, warning);
    }
  }

  /** The SDK's `logger` option: its warnings deduplicated, its errors as they come. */
  sdkLogger(): SdkLogger {
    const line = (args: unknown[]) => String(args[0] ?? '').slice(0, MAX_MESSAGE_LENGTH);
    const fields = { provider: this.provider, source: '@anthropic-ai/sdk' };
    return {
      error: (...args) => this.logger.error(fields, line(args)),
      warn: (...args) => this.warnOnce(undefined, line(args)),
      info: (...args) => this.logger.info(fields, line(args)),
      debug: (...args) => this.logger.debug(fields, line(args)),
    };
  }

  private warnOnce(model: string | undefined, message: string): void {
    const key = `${model ?? ''}\n${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.logger.warn(
      { provider: this.provider, source: '@anthropic-ai/sdk', ...(model ? { model } : {}) },
      message.slice(0, MAX_MESSAGE_LENGTH * 2),
    );
  }
}

/** When no gateway logger is given (an adapter built on its own): warnings still reach stderr as JSON. */
export function fallbackProviderLogger(): ProviderLogger {
  return pino({ level: 'warn', base: { service: 'gateway' } }, pino.destination(2));
}
