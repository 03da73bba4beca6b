import type { Dispatcher } from 'undici';
import type { AbortSource } from '@app/http';
import type { HeaderReader } from './upstream-pool';

/** One answered JSON exchange: the status, the raw headers and the whole body as text. */
export interface JsonExchangeResult {
  statusCode: number;
  text: string;
  headers: HeaderReader;
}

/**
 * One request whose whole answer is read into memory, on undici's `dispatch` handler API. Written
 * by hand because `Pool.request` wraps every body in a Readable stream and its consume mixin
 * (~6% of the gateway's CPU per non-streamed call in `bench:overhead`), which a body read whole
 * never needs. Timeouts stay the pool's (`headersTimeout`, `bodyTimeout`); `abort` aborts.
 */
export function exchangeJson(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  abort: AbortSource,
  onHeaders?: () => void,
): Promise<JsonExchangeResult> {
  return new Promise((resolve, reject) => {
    if (abort.aborted) {
      reject(abort.reason);
      return;
    }
    let abortDispatch: ((reason?: Error) => void) | undefined;
    let settled = false;
    let statusCode = 0;
    let rawHeaders: Buffer[] = [];
    const chunks: Buffer[] = [];
    // Before the request has a connection there is nothing to abort yet: answer at once, and
    // abort it when it connects.
    const onAbort = (reason: unknown) => {
      if (abortDispatch) abortDispatch(reason as Error);
      else settle(reason);
    };
    const settle = (error: unknown, result?: JsonExchangeResult) => {
      if (settled) return;
      settled = true;
      abort.offAbort(onAbort);
      if (error === undefined) resolve(result!);
      else reject(error);
    };
    abort.onAbort(onAbort);
    dispatcher.dispatch(options, {
      onConnect(abortRequest) {
        abortDispatch = abortRequest;
        if (abort.aborted) abortRequest(abort.reason as Error);
      },
      onHeaders(status, headers) {
        statusCode = status;
        rawHeaders = headers as Buffer[];
        onHeaders?.();
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        const text =
          chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
        settle(undefined, { statusCode, text, headers: rawHeaderReader(rawHeaders) });
      },
      onError(error) {
        settle(abort.aborted ? abort.reason : error);
      },
    });
  });
}

/** Looks a header up in undici's raw [name, value, …] list only when asked (error answers). */
function rawHeaderReader(raw: Buffer[]): HeaderReader {
  return {
    get(name) {
      const wanted = name.toLowerCase();
      for (let index = 0; index + 1 < raw.length; index += 2)
        if (raw[index].toString('latin1').toLowerCase() === wanted)
          return raw[index + 1].toString('latin1');
      return null;
    },
  };
}
