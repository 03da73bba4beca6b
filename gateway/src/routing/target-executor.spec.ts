import { GatewayError, ProviderError } from '@app/contracts';
import type { RoutingConfig } from '@app/config';
import {
  httpFailure,
  SteppedChatProvider,
  type ScriptStep,
} from '../../test/support/stepped-chat-provider';
import { CircuitRegistry } from './circuit-registry';
import type { ResolvedRoute } from './route-resolver';
import type { AttemptRecord } from './router-observer';
import { TargetExecutor } from './target-executor';
import { elapse, useFakeDate } from '../../test/support/fake-date';
import { AbortSource } from '@app/http';

const routing = (overrides: Partial<RoutingConfig> = {}): RoutingConfig => ({
  defaultChain: [],
  routes: [],
  failureThreshold: 3,
  recoveryTimeoutMs: 60_000,
  maxRetries: 2,
  retryBaseDelayMs: 1,
  retryMaxDelayMs: 5,
  requestTimeoutMs: 5_000,
  firstByteTimeoutMs: 100,
  streamIdleTimeoutMs: 100,
  retryOnTimeout: false,
  modelRefreshMs: 0,
  modelDiscoveryTimeoutMs: 1000,
  ...overrides,
});

describe('TargetExecutor', () => {
  let circuits: CircuitRegistry;
  let finished: AttemptRecord[];
  afterEach(() => jest.useRealTimers());

  const setup = (overrides: Partial<RoutingConfig> = {}) => {
    const config = routing(overrides);
    circuits = new CircuitRegistry(config);
    finished = [];
    return new TargetExecutor(config, circuits, [
      { attemptFinished: (_kind, record) => finished.push(record) },
    ]);
  };
  const providers = (...scripts: ScriptStep[][]) =>
    scripts.map((script, index) => new SteppedChatProvider(`p${index + 1}`, script));
  const routeOf = (...targets: SteppedChatProvider[]): ResolvedRoute => ({
    requested: 'default',
    targets: targets.map((provider) => ({ provider, model: provider.config.defaultModel })),
  });
  const chatCall = (client = new AbortSource()) =>
    [
      'chat' as const,
      'req-1',
      client,
      (
        target: ResolvedRoute['targets'][number],
        context: Parameters<SteppedChatProvider['chat']>[1],
      ) => target.provider.chat({ model: target.model, messages: [] }, context),
    ] as const;
  const stateOf = (provider: SteppedChatProvider) => circuits.get(provider.id).snapshot();

  it('answers from the first target and records the success', async () => {
    const executor = setup();
    const [first, second] = providers([{ answer: 'one' }], [{ answer: 'two' }]);
    const execution = await executor.execute(routeOf(first, second), ...chatCall());
    execution.attempt.dispose();
    expect(execution.result.choices[0].message.content).toBe('one');
    expect(execution.attempts).toEqual([
      expect.objectContaining({ provider: 'p1', outcome: 'success' }),
    ]);
    expect(second.calls).toHaveLength(0);
  });

  it('retries a 5xx on the same provider with backoff, then answers from it', async () => {
    const executor = setup();
    const [first] = providers([{ fail: httpFailure(503) }, { answer: 'after retry' }]);
    const execution = await executor.execute(routeOf(first), ...chatCall());
    execution.attempt.dispose();
    expect(execution.result.choices[0].message.content).toBe('after retry');
    expect(first.calls).toHaveLength(2);
    expect(stateOf(first)).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('moves a timed-out attempt to the next target without retrying it, counting one failure', async () => {
    const executor = setup();
    const [dead, alive] = providers([{ hang: true }], [{ answer: 'fallback' }]);
    const started = performance.now();
    const execution = await executor.execute(routeOf(dead, alive), ...chatCall());
    execution.attempt.dispose();
    expect(execution.result.choices[0].message.content).toBe('fallback');
    expect(dead.calls).toHaveLength(1);
    expect(dead.calls[0].context.abort.aborted).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(finished[0]).toMatchObject({ provider: 'p1', outcome: 'error', reason: 'timeout' });
    expect(stateOf(dead).consecutiveFailures).toBe(1);
  });

  it('retries a timed-out attempt on the same provider when retryOnTimeout is set', async () => {
    const executor = setup({ retryOnTimeout: true, maxRetries: 1 });
    const [dead, alive] = providers([{ hang: true }], [{ answer: 'fallback' }]);
    const execution = await executor.execute(routeOf(dead, alive), ...chatCall());
    execution.attempt.dispose();
    expect(dead.calls).toHaveLength(2);
    expect(stateOf(dead).consecutiveFailures).toBe(2);
  });

  it('counts every failed attempt on the breaker: three failed attempts of one request open it', async () => {
    const executor = setup({ failureThreshold: 3, maxRetries: 2 });
    const [failing, alive] = providers([{ fail: httpFailure(500) }], [{ answer: 'fallback' }]);
    const first = await executor.execute(routeOf(failing, alive), ...chatCall());
    first.attempt.dispose();
    expect(failing.calls).toHaveLength(3);
    expect(stateOf(failing).state).toBe('open');

    const second = await executor.execute(routeOf(failing, alive), ...chatCall());
    second.attempt.dispose();
    expect(failing.calls).toHaveLength(3);
    expect(second.attempts[0]).toMatchObject({ provider: 'p1', outcome: 'skipped' });
  });

  it('stops retrying a provider as soon as its circuit opens', async () => {
    const executor = setup({ failureThreshold: 2, maxRetries: 5 });
    const [failing, alive] = providers([{ fail: httpFailure(502) }], [{ answer: 'fallback' }]);
    const execution = await executor.execute(routeOf(failing, alive), ...chatCall());
    execution.attempt.dispose();
    expect(failing.calls).toHaveLength(2);
    expect(execution.result.choices[0].message.content).toBe('fallback');
  });

  it('fails an attempt whose body stalls after its headers after the idle timeout, not the request timeout', async () => {
    const executor = setup({
      firstByteTimeoutMs: 50,
      streamIdleTimeoutMs: 150,
      requestTimeoutMs: 10_000,
    });
    const [stalling, alive] = providers([{ stallAfterHeaders: true }], [{ answer: 'fallback' }]);
    const started = performance.now();
    const execution = await executor.execute(routeOf(stalling, alive), ...chatCall());
    execution.attempt.dispose();
    const elapsed = performance.now() - started;
    expect(execution.result.choices[0].message.content).toBe('fallback');
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2_000);
    expect(stalling.calls[0].context.abort.reason).toMatchObject({ code: 'idle_timeout' });
  });

  it('lets a started job run past the first-byte timeout (only the total deadline bounds it)', async () => {
    const executor = setup({ firstByteTimeoutMs: 50, streamIdleTimeoutMs: 50 });
    const [local] = providers([{ startThenAnswer: 'generated', delayMs: 200 }]);
    const execution = await executor.execute(routeOf(local), ...chatCall());
    execution.attempt.dispose();
    expect(execution.result.choices[0].message.content).toBe('generated');
  });

  it('returns a provider 400 to the client: no retry, no fallback, not counted', async () => {
    const executor = setup({ failureThreshold: 1 });
    const invalid = new ProviderError('upstream answered HTTP 400', {
      kind: 'http',
      status: 400,
      code: 'invalid_value',
      body: { message: "Invalid value for 'temperature'", param: 'temperature' },
    });
    const [rejecting, other] = providers([{ fail: invalid }], [{ answer: 'never' }]);
    await expect(executor.execute(routeOf(rejecting, other), ...chatCall())).rejects.toMatchObject({
      status: 400,
      param: 'temperature',
    });
    expect(rejecting.calls).toHaveLength(1);
    expect(other.calls).toHaveLength(0);
    expect(stateOf(rejecting).state).toBe('closed');
  });

  it('answers 400 for a body that cannot be serialized, never counting it against the provider', async () => {
    const executor = setup({ failureThreshold: 1 });
    let deep: Record<string, unknown> = {};
    for (let depth = 0; depth < 100_000; depth += 1) deep = { nested: deep };
    let stackOverflow: unknown;
    try {
      JSON.stringify(deep);
    } catch (error) {
      stackOverflow = error;
    }
    expect(stackOverflow).toBeInstanceOf(RangeError);
    const [first, second] = providers([{ fail: stackOverflow as Error }], [{ answer: 'never' }]);
    for (let request = 0; request < 3; request += 1) {
      await expect(executor.execute(routeOf(first, second), ...chatCall())).rejects.toMatchObject({
        status: 400,
        type: 'invalid_request_error',
      });
    }
    expect(first.calls).toHaveLength(3);
    expect(second.calls).toHaveLength(0);
    expect(stateOf(first)).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('releases a half-open trial without judging the provider when the request is the problem', async () => {
    // The breaker's clock (Date) moves only when the test moves it: on the real one a busy host
    // could pass the 50 ms recovery before the 'open' below is read.
    useFakeDate();
    const executor = setup({ failureThreshold: 1, recoveryTimeoutMs: 50 });
    const [provider] = providers([{ fail: httpFailure(500) }]);
    await expect(executor.execute(routeOf(provider), ...chatCall())).rejects.toBeInstanceOf(
      GatewayError,
    );
    expect(stateOf(provider).state).toBe('open');
    const breaker = circuits.get(provider.id);
    elapse(80);
    provider.then({ fail: GatewayError.unsupportedField('p1', 'logit_bias') });
    await expect(executor.execute(routeOf(provider), ...chatCall())).rejects.toMatchObject({
      status: 400,
    });
    // Still half-open, and the trial slot is free for the next request.
    expect(breaker.snapshot().state).toBe('half_open');
    expect(breaker.allowRequest()).toBe(true);
  });

  it('tries the next target after an unrecognised error without counting it against the provider', async () => {
    const executor = setup({ failureThreshold: 1 });
    const [buggy, alive] = providers(
      [{ fail: new TypeError('x is not a function') }],
      [{ answer: 'ok' }],
    );
    const execution = await executor.execute(routeOf(buggy, alive), ...chatCall());
    execution.attempt.dispose();
    expect(execution.result.choices[0].message.content).toBe('ok');
    expect(buggy.calls).toHaveLength(1);
    expect(finished[0]).toMatchObject({ provider: 'p1', reason: 'internal error' });
    expect(stateOf(buggy)).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('ends with 499 when the client goes away, without counting a failure', async () => {
    const executor = setup({ firstByteTimeoutMs: 5_000 });
    const [slow, other] = providers([{ hang: true }], [{ answer: 'never' }]);
    const client = new AbortSource();
    setTimeout(() => client.abort(), 30);
    await expect(executor.execute(routeOf(slow, other), ...chatCall(client))).rejects.toMatchObject(
      {
        status: 499,
      },
    );
    expect(other.calls).toHaveLength(0);
    expect(stateOf(slow).consecutiveFailures).toBe(0);
  });

  it('answers 502 listing every attempt when all targets fail, 503 when every circuit is open', async () => {
    const executor = setup({ failureThreshold: 1, maxRetries: 0 });
    const [first, second] = providers([{ fail: httpFailure(500) }], [{ hang: true }]);
    await expect(executor.execute(routeOf(first, second), ...chatCall())).rejects.toMatchObject({
      status: 502,
      code: 'all_providers_failed',
      details: {
        attempts: [
          expect.objectContaining({ provider: 'p1', reason: 'HTTP 500', status: 500 }),
          expect.objectContaining({ provider: 'p2', reason: 'timeout' }),
        ],
      },
    });
    await expect(executor.execute(routeOf(first, second), ...chatCall())).rejects.toMatchObject({
      status: 503,
      code: 'all_providers_unavailable',
    });
  });
});
