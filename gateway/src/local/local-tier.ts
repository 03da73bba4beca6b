import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import type { LocalProviderServices } from '../providers/local/local-provider-builder';
import { PROVIDER_SERVICES } from '../routing/routing.module';

/**
 * The local tier's entries in `PROVIDER_SERVICES`, only when a `local` provider is configured: a
 * gateway without one opens no Redis connection for queues and loads no model code.
 */
export function localProviderServices(config: AppConfig): Partial<LocalProviderServices> {
  if (!config.providers.some((provider) => provider.type === 'local')) return {};
  // Required here, not imported: the dispatchers load BullMQ, which a gateway without a local
  // tier never needs.
  const { createLocalDispatcher } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@app/inference/dispatch') as typeof import('@app/inference/dispatch');
  return { localDispatcher: createLocalDispatcher(config), localMaxQueue: config.worker.maxQueue };
}

/** Closes the dispatcher (queues, Redis connections, in-process models) when the app stops. */
@Injectable()
export class LocalTierShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(PROVIDER_SERVICES) private readonly services: Partial<LocalProviderServices>,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.services.localDispatcher?.close();
  }
}
