import { ProviderError } from '@app/contracts';
import { mapTransportError, recognizedTransportError } from './transport-error';
import { invalidResponseError } from './upstream-error';

function stackOverflow(): RangeError {
  let deep: Record<string, unknown> = {};
  for (let depth = 0; depth < 100_000; depth += 1) deep = { nested: deep };
  try {
    JSON.stringify(deep);
  } catch (error) {
    return error as RangeError;
  }
  throw new Error('expected a RangeError');
}

describe('transport error mapping', () => {
  it('calls a body that cannot be serialized the client’s fault: 400, not retryable', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    let circularError: unknown;
    try {
      JSON.stringify(circular);
    } catch (error) {
      circularError = error;
    }
    for (const error of [stackOverflow(), circularError]) {
      for (const mapped of [invalidResponseError(error), mapTransportError(error)]) {
        expect(mapped).toMatchObject({ kind: 'invalid_request', status: 400, retryable: false });
      }
    }
  });

  it('leaves what it does not recognise to the caller, and keeps the upstream-protocol fallback', () => {
    const bug = new TypeError('x is not a function');
    expect(recognizedTransportError(bug)).toBeUndefined();
    expect(mapTransportError(bug)).toMatchObject({ kind: 'invalid_response', retryable: true });
    expect(recognizedTransportError(new SyntaxError('Unexpected token'))).toMatchObject({
      kind: 'invalid_response',
    });
    expect(
      recognizedTransportError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })),
    ).toMatchObject({ kind: 'connection', retryable: true });
  });

  it('reports the router’s own abort reason for an aborted call', () => {
    const controller = new AbortController();
    const timeout = new ProviderError('no first byte in time', { kind: 'timeout' });
    controller.abort(timeout);
    expect(recognizedTransportError(new Error('aborted'), controller.signal)).toBe(timeout);
  });
});
