import { GatewayError } from '@app/contracts';
import type { ModelStatus } from './model-status';

/**
 * A model loaded on first use: concurrent callers share one load, the status (with load time)
 * is what health endpoints show, and a failed load is retried by the next caller.
 */
export class LazyModel<T> {
  private loading: Promise<T> | undefined;
  private currentStatus: ModelStatus;

  /**
   * @param reference the model's path, URI or id; undefined means "not configured"
   * @param howToConfigure completes "No local … model is configured" in the 503 error
   */
  constructor(
    private readonly reference: string | undefined,
    private readonly loader: (reference: string) => Promise<T>,
    private readonly howToConfigure: string,
  ) {
    this.currentStatus = {
      state: reference ? 'not_loaded' : 'not_configured',
      model: reference ?? null,
    };
  }

  status(): ModelStatus {
    return { ...this.currentStatus };
  }

  get(): Promise<T> {
    const reference = this.reference;
    if (!reference) {
      return Promise.reject(
        new GatewayError(
          503,
          `No ${this.howToConfigure}`,
          'service_unavailable',
          'model_not_configured',
        ),
      );
    }
    this.loading ??= this.load(reference);
    return this.loading;
  }

  /** Unloads (if loaded) with `dispose`; the next `get()` loads again. */
  async unload(dispose: (loaded: T) => Promise<void>): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    const loaded = await loading?.catch(() => undefined);
    if (loaded === undefined) return;
    await dispose(loaded);
    this.currentStatus = { state: 'not_loaded', model: this.reference ?? null };
  }

  private async load(reference: string): Promise<T> {
    const startedAt = performance.now();
    this.currentStatus = { state: 'loading', model: reference };
    try {
      const loaded = await this.loader(reference);
      this.currentStatus = {
        state: 'ready',
        model: reference,
        loadTimeMs: Math.round(performance.now() - startedAt),
      };
      return loaded;
    } catch (error) {
      this.loading = undefined;
      const reason = (error as Error)?.message ?? String(error);
      this.currentStatus = { state: 'failed', model: reference, error: reason };
      if (error instanceof GatewayError) throw error;
      // A missing or broken model file is the deployment's problem, not a bug: a 503 that says
      // which model failed and why (the router falls back; an endpoint answers it as it is).
      throw new GatewayError(
        503,
        `The local model '${reference}' could not be loaded: ${reason}`,
        'service_unavailable',
        'model_unavailable',
      );
    }
  }
}
