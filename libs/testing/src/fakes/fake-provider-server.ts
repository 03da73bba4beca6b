import { BehaviourQueue } from './fake-conversation';
import type { FakeHttpServer } from './fake-http-server';

/** What every non-OpenAI fake provider takes: its reply text, stream shape and 429 Retry-After. */
export interface FakeProviderOptions {
  reply?: string;
  chunks?: number;
  chunkDelayMs?: number;
  retryAfterSeconds?: number;
}

export const FAKE_PROVIDER_DEFAULTS = { chunks: 4, chunkDelayMs: 0, retryAfterSeconds: 0 } as const;

/**
 * The plumbing the Anthropic, Gemini and Bedrock fakes share: options over defaults, the
 * behaviour a test switches (`behaviour` for every request, `enqueue()` for the next ones), stop.
 * Each subclass speaks its own wire format in its request handler.
 */
export abstract class FakeProviderServer<
  Behaviour extends string,
  Options extends FakeProviderOptions,
> {
  protected readonly behaviours: BehaviourQueue<Behaviour>;
  readonly options: Required<Options>;

  protected constructor(
    readonly http: FakeHttpServer,
    defaults: Required<Options>,
    options: Options,
    normal: Behaviour,
  ) {
    this.behaviours = new BehaviourQueue(normal);
    this.options = { ...defaults, ...options };
  }

  set behaviour(behaviour: Behaviour) {
    this.behaviours.behaviour = behaviour;
  }

  enqueue(...behaviours: Behaviour[]): this {
    this.behaviours.enqueue(...behaviours);
    return this;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }
}
