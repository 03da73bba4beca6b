import { RequestContext } from './request-context';

function context(): RequestContext {
  return new RequestContext({ requestId: 'r-1', startedAt: 0, api: 'client' });
}

describe('RequestContext.whenAccounted', () => {
  afterEach(() => jest.useRealTimers());

  it('reports at once when no stream is being accounted', () => {
    const report = jest.fn();
    context().whenAccounted(report);
    expect(report).toHaveBeenCalledTimes(1);
  });

  it('holds the report until the stream has recorded its usage, then reports once', async () => {
    const request = context();
    const accounted = request.startAccounting();
    const report = jest.fn();
    request.whenAccounted(report);
    await Promise.resolve();
    expect(report).not.toHaveBeenCalled();
    accounted();
    accounted();
    await new Promise((resolve) => setImmediate(resolve));
    expect(report).toHaveBeenCalledTimes(1);
    // Once settled, later reports are not held.
    const later = jest.fn();
    request.whenAccounted(later);
    expect(later).toHaveBeenCalledTimes(1);
  });

  it('reports after maxWaitMs when the stream never ends, and not again when it does', async () => {
    jest.useFakeTimers();
    const request = context();
    const accounted = request.startAccounting();
    const report = jest.fn();
    request.whenAccounted(report, 1_000);
    jest.advanceTimersByTime(999);
    expect(report).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(report).toHaveBeenCalledTimes(1);
    accounted();
    await Promise.resolve();
    await Promise.resolve();
    expect(report).toHaveBeenCalledTimes(1);
  });
});
