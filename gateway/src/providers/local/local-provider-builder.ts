import type { ProviderConfig } from '@app/config';
import type { LocalDispatcher } from '@app/inference/dispatch';
import type { ChatProvider } from '../chat-provider';
import type { ProviderBuildContext } from '../provider-factory';
import { LocalProvider } from './local.provider';

/** What the routing module passes the local tier's builder (from the topology module). */
export interface LocalProviderServices {
  localDispatcher: LocalDispatcher;
  /** WORKER_MAX_QUEUE. */
  localMaxQueue: number;
}

function isLocalServices(
  services: Record<string, unknown>,
): services is Record<string, unknown> & LocalProviderServices {
  return services.localDispatcher !== undefined && typeof services.localMaxQueue === 'number';
}

export function buildLocalProvider(
  config: ProviderConfig,
  context: ProviderBuildContext,
): ChatProvider {
  if (!isLocalServices(context.services)) {
    throw new Error(
      `Provider '${config.id}': no local dispatcher was provided (see topology.module.ts)`,
    );
  }
  return new LocalProvider(config, context.services.localDispatcher, {
    maxQueue: context.services.localMaxQueue,
    requestTimeoutMs: context.routing.requestTimeoutMs,
  });
}
