export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial request is let through. */
  recoveryTimeoutMs: number;
  /** Injected for tests. @defaultValue Date.now */
  now?: () => number;
  onStateChange?: (state: CircuitState) => void;
}

export interface CircuitSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  openedAt: number | null;
  /** When an open circuit lets its next trial request through (epoch ms). */
  retryAt: number | null;
}

/**
 * Closed → open after `failureThreshold` consecutive failures → half-open once `recoveryTimeoutMs`
 * has passed, letting exactly one trial request through → closed on its success, open again on its
 * failure. Written by hand because the state machine is twenty lines and must expose its state to
 * health, metrics and `/admin/reset`, which breaker libraries hide behind event emitters.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True when a request may be sent now; claims the single trial slot when half-open. */
  allowRequest(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (this.now() - (this.openedAt ?? 0) < this.options.recoveryTimeoutMs) return false;
      this.transition('half_open');
    }
    if (this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.trialInFlight = false;
    if (this.state !== 'closed') {
      this.openedAt = null;
      this.transition('closed');
    }
  }

  recordFailure(): void {
    this.consecutiveFailures += 1;
    this.trialInFlight = false;
    if (this.state === 'half_open' || this.consecutiveFailures >= this.options.failureThreshold) {
      this.openedAt = this.now();
      if (this.state !== 'open') this.transition('open');
    }
  }

  /** Releases a claimed trial without judging the provider (e.g. the client went away). */
  releaseTrial(): void {
    this.trialInFlight = false;
  }

  reset(): void {
    this.consecutiveFailures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
    if (this.state !== 'closed') this.transition('closed');
  }

  /** The state as seen now: an open circuit whose timeout has passed reports half_open. */
  snapshot(): CircuitSnapshot {
    const expired =
      this.state === 'open' && this.now() - (this.openedAt ?? 0) >= this.options.recoveryTimeoutMs;
    return {
      state: expired ? 'half_open' : this.state,
      consecutiveFailures: this.consecutiveFailures,
      openedAt: this.openedAt,
      retryAt: this.openedAt === null ? null : this.openedAt + this.options.recoveryTimeoutMs,
    };
  }

  private transition(state: CircuitState): void {
    this.state = state;
    this.options.onStateChange?.(state);
  }
}
