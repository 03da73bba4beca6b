import type { ProviderConfig } from '@app/config';
import type { LocalDispatcher } from '@app/inference/dispatch';
import type { ChatProvider } from '../chat-provider';
import type { ProviderBuildContext } from '../provider-descriptor';
import { LocalProvider } from './local.provider';

/** What the gateway puts in `PROVIDER_SERVICES` for the local tier (see `gateway/src/local`). */
export interface LocalProviderServices {
  localDispatcher: LocalDispatcher;
  /** WORKER_MAX_QUEUE. */
  localMaxQueue: number;
}

export function buildLocalProvider(
  config: ProviderConfig,
  context: ProviderBuildContext,
): ChatProvider {
  if (!context.localDispatcher) {
    throw new Error(
      `Provider '${config.id}': the local dispatcher is missing from the build context`,
    );
  }
  return new LocalProvider(config, context.localDispatcher, {
    maxQueue: context.localMaxQueue,
    requestTimeoutMs: context.routing.requestTimeoutMs,
  });
}
