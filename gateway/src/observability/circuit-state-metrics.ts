import { Inject, Injectable } from '@nestjs/common';
import { ProviderRegistry } from '../providers/provider-registry';
import { CircuitRegistry } from '../routing/circuit-registry';
import { GatewayMetrics } from './gateway-metrics';

/** Keeps `ai_circuit_state{provider}` current: every provider starts at 0 (closed), then follows its breaker. */
@Injectable()
export class CircuitStateMetrics {
  constructor(
    @Inject(GatewayMetrics) metrics: GatewayMetrics,
    @Inject(CircuitRegistry) circuits: CircuitRegistry,
    @Inject(ProviderRegistry) registry: ProviderRegistry,
  ) {
    for (const provider of registry.providers)
      metrics.circuitChanged(provider.id, circuits.get(provider.id).snapshot().state);
    circuits.onStateChange((provider, state) => metrics.circuitChanged(provider, state));
  }
}
