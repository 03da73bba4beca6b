import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { BatchedLogStream } from './batched-log-stream';
import { allowListLineWriter, createLogger, LOG_BUFFER_BYTES } from './logger';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createLogger (buffered destination)', () => {
  let directory: string;
  let file: string;
  const loggers: Logger[] = [];

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'gateway-log-'));
    file = join(directory, 'out.log');
  });

  afterEach(() => {
    for (const logger of loggers.splice(0)) logger.flush();
    rmSync(directory, { recursive: true, force: true });
  });

  const linesIn = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string });

  const logger = (flushIntervalMs: number) => {
    const created = createLogger('info', 'test', { dest: file, flushIntervalMs });
    loggers.push(created);
    return created;
  };

  it('holds lines for at most the flush interval, then writes them together', async () => {
    const log = logger(150);
    await sleep(50); // the file is opened asynchronously
    log.info('first');
    allowListLineWriter(log, 'second, from the request log')({});
    await sleep(50);
    expect(linesIn()).toEqual([]);
    await sleep(300);
    expect(linesIn().map((line) => line.msg)).toEqual(['first', 'second, from the request log']);
  });

  it('writes at once when the buffer fills, without waiting for the interval', async () => {
    const log = logger(10_000);
    await sleep(50);
    const padding = 'x'.repeat(200);
    const count = Math.ceil((LOG_BUFFER_BYTES * 2) / padding.length);
    for (let index = 0; index < count; index += 1) log.info({ padding }, `line ${index}`);
    await sleep(200);
    expect(linesIn().length).toBeGreaterThan(count / 3);
  });

  it('with an interval of 0 writes each line without buffering', async () => {
    const log = logger(0);
    await sleep(50);
    log.info('alone');
    await sleep(100);
    expect(linesIn().map((line) => line.msg)).toEqual(['alone']);
  });
});

describe('allowListLineWriter', () => {
  /** A logger as `createLogger` makes it, writing into `lines`; the time is pinned. */
  const capturing = (level = 'info') => {
    const lines: string[] = [];
    const logger = pino(
      {
        name: 'gateway',
        level,
        base: { service: 'gateway' },
        timestamp: () => ',"time":"2026-12-03T08:00:00.000Z"',
      },
      { write: (line: string) => void lines.push(line) },
    );
    return { logger, lines };
  };
  const withoutTime = (line: string) => line.replace(/,"time":"[^"]*"/, '');

  it('writes the bytes pino writes for the same fields, undefined ones left out', () => {
    const { logger, lines } = capturing();
    const fields = {
      requestId: 'req-1',
      trace_id: undefined,
      tenantId: 'ten_1',
      path: '/v1/chat/completions?x="quoted"\u2028',
      status: 200,
      latencyMs: 3,
      costUsd: 0.00001335,
      cache: 'MISS',
      payload: { messages: [{ role: 'user', content: 'héllo\n' }] },
    };
    logger.info(fields, 'request');
    allowListLineWriter(logger, 'request')(fields);
    expect(lines).toHaveLength(2);
    expect(withoutTime(lines[1])).toBe(withoutTime(lines[0]));
    expect(JSON.parse(lines[1])).toMatchObject({ level: 30, service: 'gateway', msg: 'request' });
  });

  it('writes a line without fields, and nothing when info is off', () => {
    const { logger, lines } = capturing();
    logger.info({}, 'bare');
    allowListLineWriter(logger, 'bare')({});
    expect(withoutTime(lines[1])).toBe(withoutTime(lines[0]));
    const quiet = capturing('warn');
    allowListLineWriter(quiet.logger, 'request')({ status: 200 });
    expect(quiet.lines).toEqual([]);
  });
});

describe('BatchedLogStream at exit', () => {
  it('writes what waits synchronously, after what the destination still holds', () => {
    const directory = mkdtempSync(join(tmpdir(), 'gateway-log-exit-'));
    const file = join(directory, 'out.log');
    const calls: string[] = [];
    const target = {
      write: (text: string) => calls.push(`write ${text}`),
      flush: () => calls.push('flush'),
      flushSync: () => {
        calls.push('flushSync');
        appendFileSync(file, 'held by the destination\n');
      },
    };
    const exitListeners = process.listeners('exit');
    try {
      const stream = new BatchedLogStream(target, file, 60_000, LOG_BUFFER_BYTES);
      expect(process.listenerCount('exit')).toBe(exitListeners.length + 1);
      stream.write('first\n');
      stream.write('second\n');
      stream.flushSync();
      expect(calls).toEqual(['flushSync']);
      expect(readFileSync(file, 'utf8')).toBe('held by the destination\nfirst\nsecond\n');
    } finally {
      for (const listener of process.listeners('exit'))
        if (!exitListeners.includes(listener)) process.off('exit', listener);
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
