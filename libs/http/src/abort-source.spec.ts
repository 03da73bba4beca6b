import { AbortSource } from './abort-source';

describe('AbortSource', () => {
  it('runs each listener once, in order, with the reason; a second abort does nothing', () => {
    const source = new AbortSource();
    const heard: string[] = [];
    source.onAbort((reason) => heard.push(`first ${String(reason)}`));
    source.onAbort((reason) => heard.push(`second ${String(reason)}`));
    expect(source.aborted).toBe(false);
    expect(source.reason).toBeUndefined();

    source.abort('gone');
    source.abort('again');
    expect(heard).toEqual(['first gone', 'second gone']);
    expect(source.aborted).toBe(true);
    expect(source.reason).toBe('gone');
  });

  it('does not run a listener that was removed, nor one added after the abort', () => {
    const source = new AbortSource();
    const heard: string[] = [];
    const removed = () => heard.push('removed');
    source.onAbort(removed);
    source.onAbort(() => heard.push('kept'));
    source.offAbort(removed);
    source.abort();
    source.onAbort(() => heard.push('late'));
    expect(heard).toEqual(['kept']);
  });

  it('aborts with an AbortError by default, as AbortController does', () => {
    const source = new AbortSource();
    source.abort();
    expect(source.reason).toBeInstanceOf(DOMException);
    expect((source.reason as DOMException).name).toBe('AbortError');
  });

  it('gives one AbortSignal that follows it, whether asked for before or after the abort', () => {
    const before = new AbortSource();
    const signal = before.signal;
    expect(before.signal).toBe(signal);
    const heard: unknown[] = [];
    signal.addEventListener('abort', () => heard.push(signal.reason));
    before.abort('timeout');
    expect(signal.aborted).toBe(true);
    expect(heard).toEqual(['timeout']);

    const after = new AbortSource();
    after.abort('client gone');
    expect(after.signal.aborted).toBe(true);
    expect(after.signal.reason).toBe('client gone');
  });

  it('follows an AbortSignal, already aborted or aborted later', () => {
    const controller = new AbortController();
    const source = AbortSource.following(controller.signal);
    expect(source.aborted).toBe(false);
    controller.abort('shutdown');
    expect(source.reason).toBe('shutdown');

    expect(AbortSource.following(AbortSignal.abort('done')).reason).toBe('done');
  });
});
