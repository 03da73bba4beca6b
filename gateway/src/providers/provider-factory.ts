import type { ProviderConfig } from '@app/config';
import type { ChatProvider } from './chat-provider';
import type { ProviderBuildContext } from './provider-descriptor';
import { descriptorOf } from './provider-list';

/**
 * Builds one configured provider with its descriptor's builder. Chosen once at boot: nothing else
 * in the gateway branches on the provider type.
 */
export function createProvider(
  config: ProviderConfig,
  context: ProviderBuildContext,
): ChatProvider {
  return descriptorOf(config).build(config, context);
}
