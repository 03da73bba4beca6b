import type { ProviderConfig } from '@app/config';
import type { ChatProvider } from '../chat-provider';
import type { ProviderBuildContext } from '../provider-descriptor';
import { LocalProvider } from './local.provider';

export function buildLocalProvider(
  config: ProviderConfig,
  context: ProviderBuildContext,
): ChatProvider {
  if (!context.localDispatcher) {
    throw new Error(
      `Provider '${config.id}': the local dispatcher is missing from the build context (the topology module provides it)`,
    );
  }
  return new LocalProvider(config, context.localDispatcher, {
    maxQueue: context.localMaxQueue,
    requestTimeoutMs: context.routing.requestTimeoutMs,
  });
}
