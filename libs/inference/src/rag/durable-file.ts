import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Suffix of files being written; a crash can leave them behind, and loaders delete them. */
export const TEMP_SUFFIX = '.tmp';

export function tempPathFor(target: string): string {
  return `${target}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
}

/**
 * Writes `data` so that `target` holds either its old content or all of the new one, never a
 * prefix: write a temp file, fsync it, rename over the target, fsync the directory (the rename
 * itself is only durable once the directory entry is on disk).
 */
export async function writeFileDurably(target: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(target);
  try {
    await fs.writeFile(temp, data);
    await fsyncFile(temp);
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(path.dirname(target));
}

/** Moves an already written temp file into place durably. */
export async function commitTempFile(temp: string, target: string): Promise<void> {
  await fsyncFile(temp);
  await fs.rename(temp, target);
  await fsyncDirectory(path.dirname(target));
}

export async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems (and Windows) refuse fsync on directories; the rename is still atomic.
    if (
      !isErrorCode(error, 'EINVAL') &&
      !isErrorCode(error, 'EISDIR') &&
      !isErrorCode(error, 'EPERM')
    ) {
      throw error;
    }
  } finally {
    await handle.close();
  }
}

/** Duck-typed: `instanceof Error` fails for errors from another realm (e.g. Jest's VM context). */
export function isErrorCode(error: unknown, code: string): boolean {
  return (
    typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code
  );
}
