import type { RoutingConfig } from '@app/config';
import { CircuitBreaker, type CircuitState } from './circuit-breaker';

export type CircuitListener = (provider: string, state: CircuitState) => void;

/** One circuit breaker per provider, created on first use. */
export class CircuitRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly listeners: CircuitListener[] = [];

  constructor(
    private readonly routing: Pick<RoutingConfig, 'failureThreshold' | 'recoveryTimeoutMs'>,
  ) {}

  get(provider: string): CircuitBreaker {
    let breaker = this.breakers.get(provider);
    if (!breaker) {
      breaker = new CircuitBreaker({
        failureThreshold: this.routing.failureThreshold,
        recoveryTimeoutMs: this.routing.recoveryTimeoutMs,
        onStateChange: (state) => this.listeners.forEach((listener) => listener(provider, state)),
      });
      this.breakers.set(provider, breaker);
    }
    return breaker;
  }

  onStateChange(listener: CircuitListener): void {
    this.listeners.push(listener);
  }

  resetAll(): void {
    for (const breaker of this.breakers.values()) breaker.reset();
  }
}
