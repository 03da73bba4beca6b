import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { APP_CONFIG, type ProviderTier } from '@app/config';
import { descriptorOf } from '../providers/provider-list';
import { ProviderRegistry } from '../providers/provider-registry';
import type { CircuitState } from '../routing/circuit-breaker';
import { CircuitRegistry } from '../routing/circuit-registry';

export interface ProviderStatus {
  id: string;
  type: string;
  available: boolean;
  circuit_state: CircuitState;
  consecutive_failures: number;
  retry_at: string | null;
}

/** Each provider's availability as the router sees it: from circuit state only, no upstream calls. */
@Injectable()
export class ProviderStatusService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ProviderRegistry) private readonly registry: ProviderRegistry,
    @Inject(CircuitRegistry) private readonly circuits: CircuitRegistry,
  ) {}

  statuses(): ProviderStatus[] {
    return this.registry.providers.map((provider) => {
      const snapshot = this.circuits.get(provider.id).snapshot();
      return {
        id: provider.id,
        type: provider.type,
        available: snapshot.state !== 'open',
        circuit_state: snapshot.state,
        consecutive_failures: snapshot.consecutiveFailures,
        retry_at:
          snapshot.state === 'open' && snapshot.retryAt
            ? new Date(snapshot.retryAt).toISOString()
            : null,
      };
    });
  }

  /**
   * The tier a provider belongs to (`copilot`, `cloud`, `local`), from its descriptor: what the
   * seeds call the "backend" (Ollama and the llama.cpp worker are both local).
   */
  tierOf(providerId: string): ProviderTier | undefined {
    const provider = this.registry.find(providerId);
    return provider ? descriptorOf(provider.config).tier : undefined;
  }

  /**
   * The primary tier's circuit, as the seeds define `state`: the circuit of the first provider
   * of the default chain (`open` while it is down, whoever answered instead).
   */
  primaryCircuitState(): CircuitState {
    const primary = this.config.routing.defaultChain[0] ?? this.registry.providers[0]?.id;
    return primary && this.registry.find(primary)
      ? this.circuits.get(this.registry.get(primary).id).snapshot().state
      : 'closed';
  }

  /** The seed-001 summary fields kept in `GET /health`. */
  summary() {
    const statuses = this.statuses();
    const anyAvailable = (tier: ProviderTier) =>
      statuses.some((status) => this.tierOf(status.id) === tier && status.available);
    return {
      status:
        statuses.length === 0
          ? 'no_providers'
          : statuses.some((status) => status.available)
            ? 'ok'
            : 'degraded',
      copilot_available: anyAvailable('copilot'),
      cloud_available: anyAvailable('cloud'),
      local_available: anyAvailable('local'),
      circuit_state: this.primaryCircuitState(),
      default_chain: this.config.routing.defaultChain,
      providers: Object.fromEntries(statuses.map(({ id, ...rest }) => [id, rest])),
    };
  }
}
