import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isErrorCode, TEMP_SUFFIX } from './durable-file';

export interface FileLockOptions {
  /** Give up (resolve undefined) after waiting this long. @defaultValue 120000 */
  timeoutMs?: number;
  /**
   * A holder on another host (or a container with another hostname) whose heartbeat is older than
   * this is presumed dead. On this host a dead holder is recognised at once by its pid.
   * @defaultValue 60000
   */
  staleMs?: number;
  /** First wait between attempts; doubles up to 16×. @defaultValue 5 */
  retryMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

interface LockHolder {
  /** Undefined when the file cannot be parsed (not written by this code). */
  owner?: LockOwner;
  mtimeMs: number;
}

/** Locks this process holds: a lock file with our pid but another token is stale (pid reuse). */
const heldTokens = new Set<string>();

/**
 * A cross-process mutex: a file created atomically (link) that names its owner (pid, host, token), kept
 * fresh by a heartbeat, removed on release. A holder that died is detected (dead pid on this host,
 * stale heartbeat elsewhere) and its lock broken under a second, short-lived "breaker" lock, so two
 * waiters cannot both break it and then both hold it. Unlike an in-process mutex, this keeps two
 * worker processes that share a data directory from writing one collection at the same time.
 */
export class FileLock {
  private constructor(
    readonly file: string,
    private readonly token: string,
    private readonly heartbeat: NodeJS.Timeout,
  ) {}

  /** Resolves with the held lock, or undefined after `timeoutMs`. */
  static async acquire(file: string, options: FileLockOptions = {}): Promise<FileLock | undefined> {
    const staleMs = options.staleMs ?? 60_000;
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    let waitMs = options.retryMs ?? 5;
    const maxWaitMs = waitMs * 16;
    for (;;) {
      const owner = await tryCreate(file);
      if (owner) {
        const touch = () => {
          const now = new Date();
          fs.utimes(file, now, now).catch(() => undefined);
        };
        const heartbeat = setInterval(touch, staleMs / 4).unref();
        return new FileLock(file, owner.token, heartbeat);
      }
      const holder = await readHolder(file);
      if (holder && isStale(holder, staleMs)) {
        await breakStaleLock(file, holder, staleMs);
        continue;
      }
      if (Date.now() >= deadline) return undefined;
      // Jitter, so waiters in several processes do not retry in lockstep.
      await sleep(waitMs * (0.5 + Math.random()));
      waitMs = Math.min(waitMs * 2, maxWaitMs);
    }
  }

  async release(): Promise<void> {
    clearInterval(this.heartbeat);
    const holder = await readHolder(this.file);
    // Only our own lock: if it was broken as stale (a very long stall), the file is someone else's.
    if (holder?.owner?.token === this.token) await fs.rm(this.file, { force: true });
    // Only now: until the file is gone, waiters in this process must see it as live, not stale.
    heldTokens.delete(this.token);
  }
}

/**
 * Creates the lock file, owner record included, if absent: the record goes to a temp file that is
 * then hard-linked to the lock's name, which fails if it exists. So a lock file is never seen empty
 * (a creator killed between creating and writing would leave a lock only a timeout could break).
 * Returns the owner record, or undefined when the lock exists.
 */
async function tryCreate(file: string): Promise<LockOwner | undefined> {
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString('hex'),
  };
  const temp = `${file}.${owner.token}${TEMP_SUFFIX}`;
  try {
    await writeOwner(temp, owner);
  } catch (error) {
    if (!isErrorCode(error, 'ENOENT')) throw error;
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeOwner(temp, owner);
  }
  heldTokens.add(owner.token);
  try {
    await fs.link(temp, file);
    return owner;
  } catch (error) {
    heldTokens.delete(owner.token);
    if (isErrorCode(error, 'EEXIST')) return undefined;
    throw error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** Not `fs.promises.writeFile`: crash tests count those as collection writes. */
async function writeOwner(file: string, owner: LockOwner): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const [stat, text] = await Promise.all([fs.stat(file), fs.readFile(file, 'utf8')]);
    let owner: LockOwner | undefined;
    try {
      owner = JSON.parse(text) as LockOwner;
    } catch {
      owner = undefined;
    }
    return { owner, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function isStale(holder: LockHolder, staleMs: number): boolean {
  const { owner } = holder;
  if (owner?.host === hostname()) {
    if (owner.pid === process.pid) return !heldTokens.has(owner.token);
    return !isProcessAlive(owner.pid);
  }
  return Date.now() - holder.mtimeMs > staleMs;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return !isErrorCode(error, 'ESRCH');
  }
}

function sameHolder(a: LockHolder, b: LockHolder): boolean {
  return a.owner || b.owner ? a.owner?.token === b.owner?.token : a.mtimeMs === b.mtimeMs;
}

/**
 * Removes a stale lock while holding `<file>.break`, after checking it is still the same stale
 * lock: without that, two waiters could both see it stale, one break it and take the lock, and
 * the other then delete the new, live lock.
 */
async function breakStaleLock(file: string, stale: LockHolder, staleMs: number): Promise<void> {
  const breakerFile = `${file}.break`;
  const breaker = await tryCreate(breakerFile);
  if (!breaker) {
    const other = await readHolder(breakerFile);
    // A breaker that died within its few milliseconds of work leaves its file behind.
    if (other && isStale(other, staleMs)) await fs.rm(breakerFile, { force: true });
    else await sleep(1);
    return;
  }
  try {
    const current = await readHolder(file);
    if (current && sameHolder(current, stale)) await fs.rm(file, { force: true });
    await removeAbandonedTempFiles(file, staleMs);
  } finally {
    heldTokens.delete(breaker.token);
    await fs.rm(breakerFile, { force: true });
  }
}

/** Owner records of creators killed between writing and linking them (rare, tiny, harmless). */
async function removeAbandonedTempFiles(file: string, staleMs: number): Promise<void> {
  const directory = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  const names = await fs.readdir(directory).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(prefix) && n.endsWith(TEMP_SUFFIX))) {
    const temp = path.join(directory, name);
    const stat = await fs.stat(temp).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > staleMs) await fs.rm(temp, { force: true });
  }
}
