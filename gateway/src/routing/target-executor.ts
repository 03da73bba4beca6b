import { GatewayError, isClientFault, ProviderError } from '@app/contracts';
import type { RoutingConfig } from '@app/config';
import { CLIENT_CLOSED_REQUEST, type AbortSource } from '@app/http';
import { GATEWAY, NOOP_SPAN, type TraceSpan } from '@app/tracing';
import type { ProviderCallContext } from '../providers/chat-provider';
import { recognizedTransportError, type AbortState } from '../providers/shared/transport-error';
import { allProvidersFailed } from './all-providers-failed';
import { AttemptController } from './attempt-controller';
import { startAttemptSpan } from './attempt-span';
import type { CircuitBreaker } from './circuit-breaker';
import type { CircuitRegistry } from './circuit-registry';
import { providerClientError } from './provider-client-error';
import { RetryPolicy, sleep } from './retry-policy';
import type { ResolvedRoute, ResolvedTarget } from './route-resolver';
import type { AttemptRecord, CallKind, RouterObserver } from './router-observer';

export interface ExecutionResult<T> {
  result: T;
  target: ResolvedTarget;
  attempts: AttemptRecord[];
  /** Still live for streams: the caller keeps using its abort source and must dispose it. */
  attempt: AttemptController;
  /** The successful attempt's span, still open: the caller adds what the answer says and ends it. */
  span: TraceSpan;
}

export type TargetCall<T> = (
  target: ResolvedTarget,
  context: ProviderCallContext & {
    markFirstByte: () => void;
    markStarted: () => void;
    markRequeued: () => void;
  },
  attempt: AttemptController,
) => Promise<T>;

/**
 * How one failed attempt is judged:
 * - `provider`: the provider failed (error status, timeout, refused connection, broken answer):
 *   counted on its breaker, retried by the retry policy, then the next target;
 * - `client`: the request is wrong (the provider rejected it as invalid, or it cannot even be
 *   sent): returned to the client at once, never retried or counted, since every provider would
 *   reject it too;
 * - `internal`: something the gateway does not recognise went wrong before or around the call
 *   (a bug, not the provider's doing): the next target is tried, nothing is counted;
 * - `aborted`: the client went away.
 */
type Verdict =
  | { kind: 'provider'; error: ProviderError }
  | { kind: 'client'; error: GatewayError; providerAnswered: boolean }
  | { kind: 'internal' }
  | { kind: 'aborted' };

interface TargetRun<T> {
  target: ResolvedTarget;
  kind: CallKind;
  requestId: string;
  /** Fires when the client goes away (or a shutdown ends the request). */
  client: AbortSource;
  deadline: number;
  attempts: AttemptRecord[];
  call: TargetCall<T>;
  /** The request's span: each attempt is a child span of it. */
  parent: TraceSpan;
}

type AttemptOutcome<T> =
  | { result: T; attempt: AttemptController; span: TraceSpan }
  | { verdict: Verdict; span: TraceSpan };

/** `error.type` of a failed attempt: a low-cardinality class (HTTP status, or the failure kind). */
function errorTypeOf(verdict: Exclude<Verdict, { kind: 'aborted' }>): string {
  if (verdict.kind === 'internal') return '_OTHER';
  if (verdict.error.status) return String(verdict.error.status);
  return verdict.kind === 'provider' ? verdict.error.kind : 'invalid_request';
}

function reasonOf(verdict: Exclude<Verdict, { kind: 'aborted' }>): string {
  if (verdict.kind === 'internal') return 'internal error';
  if (verdict.kind === 'provider') return verdict.error.reason;
  return verdict.error.code ?? 'invalid request';
}

/**
 * One attempt's record, always of one shape (the span's ids undefined when not tracing or when
 * the target was skipped): built from a spread of shared fields, it was cloned and reshaped on
 * every attempt.
 */
function attemptRecord(
  target: ResolvedTarget,
  span: TraceSpan | undefined,
  outcome: AttemptRecord['outcome'],
  latencyMs: number,
  reason?: string,
  status?: number,
): AttemptRecord {
  return {
    provider: target.provider.id,
    model: target.model,
    outcome,
    reason,
    status,
    latencyMs,
    traceId: span?.traceId,
    spanId: span?.spanId,
  };
}

/**
 * The error for a request whose client abort fired: the gateway's own reason when it ended the
 * request (a shutdown's 503), else the client went away (499, which the request log reports).
 */
export function clientAbortError(client: AbortState): GatewayError {
  if (client.reason instanceof GatewayError) return client.reason;
  return new GatewayError(
    CLIENT_CLOSED_REQUEST,
    'Client closed the request',
    'invalid_request_error',
    'client_closed_request',
  );
}

/**
 * Walks a route's targets in order: skips open circuits, gives each attempt its own deadlines,
 * records every failed attempt on the target's breaker (so a dead provider opens it within
 * FAILURE_THRESHOLD attempts), retries what the retry policy allows (timeouts move on to the next
 * target unless RETRY_ON_TIMEOUT), and falls back to the next target. Client faults end the walk
 * at once; a client disconnect ends it silently.
 */
export class TargetExecutor {
  private readonly retryPolicy: RetryPolicy;

  constructor(
    private readonly routing: RoutingConfig,
    private readonly circuits: CircuitRegistry,
    private readonly observers: RouterObserver[],
  ) {
    this.retryPolicy = new RetryPolicy({
      maxRetries: routing.maxRetries,
      baseDelayMs: routing.retryBaseDelayMs,
      maxDelayMs: routing.retryMaxDelayMs,
      retryOnTimeout: routing.retryOnTimeout,
    });
  }

  async execute<T>(
    route: ResolvedRoute,
    kind: CallKind,
    requestId: string,
    client: AbortSource,
    call: TargetCall<T>,
    parent: TraceSpan = NOOP_SPAN,
  ): Promise<ExecutionResult<T>> {
    const deadline = Date.now() + this.routing.requestTimeoutMs;
    const attempts: AttemptRecord[] = [];
    let previous: string | undefined;
    for (const target of route.targets) {
      const breaker = this.circuits.get(target.provider.id);
      if (!breaker.allowRequest()) {
        this.record(kind, attempts, attemptRecord(target, undefined, 'skipped', 0, 'circuit open'));
        startAttemptSpan(parent, kind, target, attempts.length, 'open')
          .set(GATEWAY.outcome, 'skipped')
          .end();
        continue;
      }
      if (previous)
        this.observers.forEach((observer) => observer.fallback?.(previous!, target.provider.id));
      previous = target.provider.id;
      const run = { target, kind, requestId, client, deadline, attempts, call, parent };
      const outcome = await this.runWithRetries(run, breaker);
      if (outcome)
        return {
          result: outcome.result,
          attempt: outcome.attempt,
          span: outcome.span,
          target,
          attempts,
        };
      if (Date.now() >= deadline) break;
    }
    throw allProvidersFailed(attempts);
  }

  /** Resolves with the result, or undefined when this target failed and the next should be tried. */
  private async runWithRetries<T>(
    run: TargetRun<T>,
    breaker: CircuitBreaker,
  ): Promise<{ result: T; attempt: AttemptController; span: TraceSpan } | undefined> {
    const halfOpenTrial = breaker.snapshot().state !== 'closed';
    for (let retry = 0; ; retry += 1) {
      // Another request's failures (or this one's) may have opened the circuit meanwhile.
      if (retry > 0 && !breaker.allowRequest()) return undefined;
      const outcome = await this.attemptOnce(run, breaker);
      if ('result' in outcome) return outcome;
      const { verdict, span } = outcome;
      if (verdict.kind !== 'provider') span.end();
      if (verdict.kind === 'aborted') {
        breaker.releaseTrial();
        throw clientAbortError(run.client);
      }
      if (verdict.kind === 'client') {
        // An invalid request says nothing bad about the provider; one it answered says it is up.
        if (verdict.providerAnswered) breaker.recordSuccess();
        else breaker.releaseTrial();
        throw verdict.error;
      }
      if (verdict.kind === 'internal') {
        breaker.releaseTrial();
        return undefined;
      }
      breaker.recordFailure();
      const delay = this.retryDelay(verdict.error, retry, halfOpenTrial, run);
      span.set(GATEWAY.retryDelayMs, delay ?? undefined).end();
      if (delay === null) return undefined;
      await this.waitBeforeRetry(delay, run);
    }
  }

  /** One call with its own timers; records the attempt and judges a failure. */
  private async attemptOnce<T>(
    run: TargetRun<T>,
    breaker: CircuitBreaker,
  ): Promise<AttemptOutcome<T>> {
    const started = performance.now();
    const span = startAttemptSpan(
      run.parent,
      run.kind,
      run.target,
      run.attempts.length + 1,
      breaker,
    );
    const attempt = new AttemptController(run.client, run.deadline, {
      firstByteMs: this.routing.firstByteTimeoutMs,
      idleMs: this.routing.streamIdleTimeoutMs,
    });
    try {
      const context = {
        abort: attempt.source,
        requestId: run.requestId,
        traceHeaders: span.carrier(),
        markFirstByte: attempt.markFirstByte,
        markStarted: attempt.markStarted,
        markRequeued: attempt.markRequeued,
      };
      const result = await run.call(run.target, context, attempt);
      attempt.markFirstByte();
      breaker.recordSuccess();
      this.record(
        run.kind,
        run.attempts,
        attemptRecord(run.target, span, 'success', performance.now() - started),
      );
      span.set(GATEWAY.outcome, 'success');
      return { result, attempt, span };
    } catch (thrown) {
      attempt.dispose();
      const verdict = this.judge(thrown, run.target.provider.id, attempt, run.client);
      span.set(GATEWAY.outcome, verdict.kind === 'aborted' ? 'aborted' : 'error');
      if (verdict.kind !== 'aborted') span.fail(errorTypeOf(verdict), reasonOf(verdict));
      if (verdict.kind !== 'aborted') {
        this.record(
          run.kind,
          run.attempts,
          attemptRecord(
            run.target,
            span,
            'error',
            performance.now() - started,
            reasonOf(verdict),
            verdict.kind === 'internal' ? undefined : verdict.error.status,
          ),
        );
      }
      return { verdict, span };
    }
  }

  /** The backoff before retrying this target; null when it should not be retried (or time is up). */
  private retryDelay(
    error: ProviderError,
    retry: number,
    halfOpenTrial: boolean,
    run: TargetRun<unknown>,
  ): number | null {
    const delay = halfOpenTrial ? null : this.retryPolicy.delayBeforeRetry(error, retry + 1);
    if (delay === null || Date.now() + delay >= run.deadline) return null;
    return delay;
  }

  private async waitBeforeRetry(delay: number, run: TargetRun<unknown>): Promise<void> {
    try {
      await sleep(delay, run.client);
    } catch {
      throw clientAbortError(run.client);
    }
  }

  private judge(
    thrown: unknown,
    provider: string,
    attempt: AttemptController,
    client: AbortSource,
  ): Verdict {
    if (client.aborted) return { kind: 'aborted' };
    // A fired timer aborts the SDK call, which then throws a generic abort error: report the timer.
    const timer = attempt.abortReason;
    if (timer && timer.kind !== 'aborted') return { kind: 'provider', error: timer };
    if (thrown instanceof GatewayError)
      return { kind: 'client', error: thrown, providerAnswered: false };
    const error = recognizedTransportError(thrown, attempt.source);
    if (!error) return { kind: 'internal' };
    if (error.kind === 'aborted') return { kind: 'aborted' };
    if (error.kind === 'invalid_request')
      return {
        kind: 'client',
        error: providerClientError(provider, error),
        providerAnswered: false,
      };
    if (error.kind === 'http' && isClientFault(error.status))
      return {
        kind: 'client',
        error: providerClientError(provider, error),
        providerAnswered: true,
      };
    return { kind: 'provider', error };
  }

  private record(kind: CallKind, attempts: AttemptRecord[], record: AttemptRecord): void {
    attempts.push(record);
    for (const observer of this.observers) observer.attemptFinished?.(kind, record);
  }
}
