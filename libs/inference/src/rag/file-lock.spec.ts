import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileLock } from './file-lock';
import { makeTempDirectory, removeDirectory } from '@app/testing/rag/temp-directory';

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('FileLock', () => {
  let directory: string;
  let file: string;
  beforeEach(() => {
    directory = makeTempDirectory('file-lock-');
    file = path.join(directory, 'locks', 'kb.lock');
  });
  afterEach(() => removeDirectory(directory));

  it('lets one holder in at a time and removes its file on release', async () => {
    let inside = 0;
    let maxInside = 0;
    const holder = async () => {
      const lock = await FileLock.acquire(file, { retryMs: 1 });
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await sleep(2);
      inside -= 1;
      await lock!.release();
    };
    await Promise.all(Array.from({ length: 20 }, holder));
    expect(maxInside).toBe(1);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('breaks at once a lock whose holder process on this host is dead', async () => {
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, JSON.stringify({ pid: deadPid(), host: hostname(), token: 'dead' }));
    const started = Date.now();
    const lock = await FileLock.acquire(file, { timeoutMs: 5_000 });
    expect(lock).toBeDefined();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).pid).toBe(process.pid);
    await lock!.release();
    expect(fs.existsSync(`${file}.break`)).toBe(false);
  });

  it('treats a lock naming this pid but not held by it as stale (pid reuse after a crash)', async () => {
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: hostname(), token: 'old' }));
    const lock = await FileLock.acquire(file, { timeoutMs: 1_000 });
    expect(lock).toBeDefined();
    await lock!.release();
  });

  it('waits for a holder on another host until its heartbeat is older than staleMs', async () => {
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, JSON.stringify({ pid: 1, host: 'another-host', token: 'live' }));
    expect(await FileLock.acquire(file, { timeoutMs: 50, staleMs: 10_000 })).toBeUndefined();
    const longAgo = new Date(Date.now() - 60_000);
    fs.utimesSync(file, longAgo, longAgo);
    const lock = await FileLock.acquire(file, { timeoutMs: 1_000, staleMs: 10_000 });
    expect(lock).toBeDefined();
    await lock!.release();
  });

  it('keeps its own lock fresh with a heartbeat while held', async () => {
    const lock = await FileLock.acquire(file, { staleMs: 40 });
    const first = fs.statSync(file).mtimeMs;
    await sleep(80);
    expect(fs.statSync(file).mtimeMs).toBeGreaterThan(first);
    await lock!.release();
  });
});
