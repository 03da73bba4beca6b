import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AbortSource } from '@app/http';
import type { ChatProvider } from '../providers/chat-provider';
import type { DiscoveredModels } from './discovered-models';

export interface ModelDiscoveryOptions {
  /** MODEL_REFRESH_SECONDS in ms; 0: list once, at boot. */
  refreshMs: number;
  /** MODEL_DISCOVERY_TIMEOUT_MS: bound on one provider's list call. */
  timeoutMs: number;
}

/**
 * Lists the models of every provider that can list them (OpenAI-compatible servers, Ollama) at
 * boot and every MODEL_REFRESH_SECONDS, so a model pulled into Ollama or deployed on vLLM routes
 * without a config change. Boot waits for the first listing at most MODEL_DISCOVERY_TIMEOUT_MS
 * (the calls run in parallel); a provider that cannot be listed keeps its last known list (and
 * its configured models), and is logged once per outage, not on every refresh. Nothing here runs
 * on the request path.
 */
export class ModelDiscovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly failing = new Set<string>();

  constructor(
    private readonly providers: readonly ChatProvider[],
    private readonly discovered: DiscoveredModels,
    private readonly options: ModelDiscoveryOptions,
    private readonly logger?: Pick<Logger, 'info' | 'warn'>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.providers.some((provider) => provider.listModels)) return;
    await this.refresh();
    if (this.options.refreshMs > 0) {
      this.timer = setInterval(() => void this.refresh(), this.options.refreshMs);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Lists every provider once (a refresh already running is joined, not repeated). */
  refresh(): Promise<void> {
    this.running ??= Promise.all(
      this.providers.filter((provider) => provider.listModels).map((p) => this.list(p)),
    ).then(
      () => (this.running = undefined),
      () => (this.running = undefined),
    );
    return this.running;
  }

  private async list(provider: ChatProvider): Promise<void> {
    try {
      const models = await provider.listModels!({
        abort: AbortSource.following(AbortSignal.timeout(this.options.timeoutMs)),
        requestId: `model-discovery-${provider.id}`,
      });
      const changed = this.discovered.replace(provider.id, models);
      if (changed || this.failing.delete(provider.id))
        this.logger?.info({ provider: provider.id, models: models.length }, 'models discovered');
    } catch (error) {
      if (this.failing.has(provider.id)) return;
      this.failing.add(provider.id);
      this.logger?.warn(
        { provider: provider.id, err: { message: (error as Error)?.message } },
        'model list unavailable; the provider keeps its configured and last listed models',
      );
    }
  }
}
