import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { BatchedLogStream } from './batched-log-stream';
import { allowListLogger, createLogger, LOG_BUFFER_BYTES } from './logger';

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
    allowListLogger(log).info('second, from the request log');
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
