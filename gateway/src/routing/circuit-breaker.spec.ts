import { CircuitBreaker, type CircuitState } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  let transitions: CircuitState[];
  const breaker = () =>
    new CircuitBreaker({
      failureThreshold: 3,
      recoveryTimeoutMs: 1000,
      now: () => now,
      onStateChange: (state) => transitions.push(state),
    });

  beforeEach(() => {
    now = 0;
    transitions = [];
  });

  it('opens after 3 consecutive failures and skips the provider until the recovery timeout', () => {
    const circuit = breaker();
    circuit.recordFailure();
    circuit.recordFailure();
    expect(circuit.allowRequest()).toBe(true);
    circuit.recordFailure();
    expect(circuit.snapshot().state).toBe('open');
    expect(circuit.allowRequest()).toBe(false);
    now = 999;
    expect(circuit.allowRequest()).toBe(false);
  });

  it('a success resets the consecutive failure count', () => {
    const circuit = breaker();
    circuit.recordFailure();
    circuit.recordFailure();
    circuit.recordSuccess();
    circuit.recordFailure();
    circuit.recordFailure();
    expect(circuit.snapshot().state).toBe('closed');
  });

  it('lets exactly one trial through when half-open and closes on its success', () => {
    const circuit = breaker();
    for (let index = 0; index < 3; index += 1) circuit.recordFailure();
    now = 1000;
    expect(circuit.snapshot().state).toBe('half_open');
    expect(circuit.allowRequest()).toBe(true);
    expect(circuit.allowRequest()).toBe(false);
    circuit.recordSuccess();
    expect(circuit.snapshot().state).toBe('closed');
    expect(transitions).toEqual(['open', 'half_open', 'closed']);
  });

  it('re-opens when the half-open trial fails, restarting the timeout', () => {
    const circuit = breaker();
    for (let index = 0; index < 3; index += 1) circuit.recordFailure();
    now = 1500;
    expect(circuit.allowRequest()).toBe(true);
    circuit.recordFailure();
    expect(circuit.snapshot()).toMatchObject({ state: 'open', retryAt: 2500 });
    now = 2400;
    expect(circuit.allowRequest()).toBe(false);
  });

  it('releasing a trial (client gone) lets the next request try', () => {
    const circuit = breaker();
    for (let index = 0; index < 3; index += 1) circuit.recordFailure();
    now = 1000;
    expect(circuit.allowRequest()).toBe(true);
    circuit.releaseTrial();
    expect(circuit.allowRequest()).toBe(true);
  });

  it('reset() closes an open circuit', () => {
    const circuit = breaker();
    for (let index = 0; index < 3; index += 1) circuit.recordFailure();
    circuit.reset();
    expect(circuit.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(circuit.allowRequest()).toBe(true);
  });
});
