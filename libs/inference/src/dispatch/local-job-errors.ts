import {
  GatewayError,
  ProviderError,
  type GatewayErrorType,
  type LocalJobError,
} from '@app/contracts';

/** A cancelled job: the client went away, so nobody reads this status. */
export const CANCELLED_STATUS = 499;

/** Serializes whatever a model threw into what crosses the queue (no stack, no prompt). */
export function toLocalJobError(error: unknown): LocalJobError {
  if (error instanceof GatewayError) {
    return {
      status: error.status,
      message: error.message,
      type: error.type,
      code: error.code ?? undefined,
      param: error.param ?? undefined,
    };
  }
  if (error instanceof ProviderError) {
    return { status: error.status ?? 502, message: error.message, code: error.code };
  }
  return {
    status: 500,
    message: `local model failed: ${(error as Error)?.message ?? String(error)}`,
  };
}

/** A job error the gateway should show to the client as it is: the request, not the tier, is wrong. */
export function isRequestFault(error: LocalJobError): boolean {
  return error.status >= 400 && error.status < 500 && error.status !== CANCELLED_STATUS;
}

/**
 * The error the local provider throws for a job error: 4xx stays a `GatewayError` (the router
 * returns it to the client without falling back); 5xx becomes a `ProviderError` (the router
 * retries or falls back to the next target).
 */
export function errorFromLocalJob(error: LocalJobError): Error {
  if (error.status === CANCELLED_STATUS) {
    return new ProviderError(error.message, { kind: 'aborted', status: error.status });
  }
  if (isRequestFault(error)) {
    const type = (error.type ?? 'invalid_request_error') as GatewayErrorType;
    return new GatewayError(
      error.status,
      error.message,
      type,
      error.code ?? null,
      error.param ?? null,
    );
  }
  return new ProviderError(error.message, {
    kind: error.status === 503 ? 'unavailable' : 'http',
    status: error.status,
    code: error.code,
    // "Not configured" will not fix itself on a retry; the router still falls back.
    retryable: error.code === 'model_not_configured' ? false : undefined,
  });
}

/** Rejects with an `aborted` ProviderError as soon as `signal` aborts. */
export function rejectOnAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function abortedError(): ProviderError {
  return new ProviderError('the local job was cancelled', { kind: 'aborted' });
}
