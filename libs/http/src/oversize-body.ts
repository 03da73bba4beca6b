import type { IncomingMessage } from 'node:http';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { GatewayError } from '@app/contracts';
import type { FastifyRequest } from 'fastify';

/** An oversize body is read and thrown away up to this many times MAX_BODY_BYTES before the 413. */
const DRAIN_MULTIPLE = 16;
/** … and for at most this long, so a slow sender cannot hold the connection. */
const DRAIN_TIMEOUT_MS = 30_000;

export function requestTooLarge(): GatewayError {
  return new GatewayError(
    413,
    'The request body is larger than MAX_BODY_BYTES allows',
    'invalid_request_error',
    'request_too_large',
    null,
    {},
    // The client is still sending or has just sent a body we refused: start afresh.
    { connection: 'close' },
  );
}

/**
 * Reads and discards what is left of a request body, up to `limitBytes` and `DRAIN_TIMEOUT_MS`.
 * Why: answering 413 while the client is still uploading and then closing the socket with unread
 * bytes makes the kernel send a reset, and the client sees EPIPE/ECONNRESET instead of the 413
 * (the `openai` SDK then retries the upload). Read to the end, the 413 arrives on a clean close.
 * @returns whether the body was read to its end
 */
export function drainBody(body: Readable, limitBytes: number): Promise<boolean> {
  if ((body as IncomingMessage).complete || body.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let received = 0;
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onFailure);
      body.off('close', onFailure);
      resolve(drained);
    };
    const onData = (chunk: Buffer | string) => {
      received += chunk.length;
      if (received > limitBytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onFailure = () => finish(false);
    const timer = setTimeout(onFailure, DRAIN_TIMEOUT_MS);
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onFailure);
    body.once('close', onFailure);
    body.resume();
  });
}

/**
 * Passes a body of unknown length (chunked) through until `maxBodyBytes`; past it, stops passing
 * bytes on (so the JSON parser never sees more), drains the rest and fails with the 413 once the
 * client has finished sending.
 */
class BodyLimitStream extends Transform {
  private passed = 0;
  private over = false;

  constructor(
    private readonly maxBodyBytes: number,
    private readonly drainLimitBytes: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.passed += chunk.length;
    if (this.passed > this.drainLimitBytes) return done(requestTooLarge());
    if (this.passed > this.maxBodyBytes) this.over = true;
    done(null, this.over ? undefined : chunk);
  }

  override _flush(done: TransformCallback): void {
    done(this.over ? requestTooLarge() : null);
  }
}

type PreParsingDone = (error: Error | null, payload?: Readable) => void;

/**
 * A Fastify `preParsing` hook that answers oversize bodies with a 413 the client can read: a
 * declared Content-Length past the limit is drained first; a chunked body is watched as it
 * arrives. Bodies within the limit pass untouched (no extra stream or promise on the hot path).
 */
export function oversizeBodyHook(maxBodyBytes: number) {
  const drainLimitBytes = maxBodyBytes * DRAIN_MULTIPLE;
  return (request: FastifyRequest, _reply: unknown, payload: Readable, done: PreParsingDone) => {
    const declared = request.headers['content-length'];
    if (declared !== undefined) {
      if (Number(declared) <= maxBodyBytes) return done(null, payload);
      const drained =
        Number(declared) <= drainLimitBytes
          ? drainBody(payload, drainLimitBytes)
          : Promise.resolve(false);
      void drained.then(() => done(requestTooLarge()));
      return;
    }
    if (request.headers['transfer-encoding'] === undefined) return done(null, payload);
    // pipeline, not pipe: a client that goes away mid-body must fail the parse, not hang it.
    done(
      null,
      pipeline(payload, new BodyLimitStream(maxBodyBytes, drainLimitBytes), () => undefined),
    );
  };
}
