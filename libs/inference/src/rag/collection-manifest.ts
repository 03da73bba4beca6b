import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { logFileName } from './collection-log';
import { isErrorCode, TEMP_SUFFIX, writeFileDurably } from './durable-file';
import type { HnswParameters } from './hnsw-vector-index';
import type { EmbeddingIdentity } from './rag-errors';
import type { VectorIndexType } from './vector-index';

export const MANIFEST_FILE = 'manifest.json';

/**
 * The commit record of a collection's snapshot. A checkpoint writes a new generation of the index
 * and chunk files, then this manifest (atomically) naming them; writes after it are appended to
 * `log-<generation>.bin` (collection-log.ts). A collection is exactly its manifest's snapshot plus
 * the whole records of that log, so files of a generation that crashed before its manifest are
 * ignored and removed. `documents` and `chunks` count the snapshot; each log record carries the
 * totals after it.
 */
export interface CollectionManifest {
  format: 1;
  name: string;
  generation: number;
  embedding: EmbeddingIdentity;
  index: { type: VectorIndexType } & HnswParameters;
  files: { index: string; chunks: string };
  documents: number;
  chunks: number;
  updated_at: string;
}

/** Undefined when the directory has no manifest (never committed, or being deleted). */
export async function readManifest(directory: string): Promise<CollectionManifest | undefined> {
  try {
    const manifest = JSON.parse(
      await fs.readFile(path.join(directory, MANIFEST_FILE), 'utf8'),
    ) as CollectionManifest;
    if (manifest.format !== 1) throw new Error(`Unknown manifest format in ${directory}`);
    return manifest;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

export async function writeManifest(
  directory: string,
  manifest: CollectionManifest,
): Promise<void> {
  await writeFileDurably(path.join(directory, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
}

/**
 * Identifies the manifest file on disk (inode, modification time in ns, size): a checkpoint or a
 * delete by another process changes it. Synchronous: searches check it on every call (~µs).
 */
export function manifestFingerprint(directory: string): string | undefined {
  try {
    const stat = statSync(path.join(directory, MANIFEST_FILE), { bigint: true });
    return `${stat.ino}:${stat.mtimeNs}:${stat.size}`;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT') || isErrorCode(error, 'ENOTDIR')) return undefined;
    throw error;
  }
}

/**
 * Deletes older generations, temp files and half-written newer generations. Only while holding
 * the collection lock: another writer's checkpoint in progress looks exactly like a crashed one.
 */
export async function removeUnreferencedFiles(
  directory: string,
  manifest: CollectionManifest,
): Promise<void> {
  const indexFile = manifest.files.index;
  const isReferenced = (name: string) =>
    !name.endsWith(TEMP_SUFFIX) &&
    (name === MANIFEST_FILE ||
      name === manifest.files.chunks ||
      name === logFileName(manifest.generation) ||
      name === indexFile ||
      name.startsWith(`${indexFile}.`));
  const names = await fs.readdir(directory);
  await Promise.all(
    names
      .filter((name) => !isReferenced(name))
      .map((name) => fs.rm(path.join(directory, name), { force: true })),
  );
}

export async function directoryBytes(directory: string): Promise<number> {
  const names = await fs.readdir(directory).catch(() => [] as string[]);
  const sizes = await Promise.all(
    names.map((name) =>
      fs.stat(path.join(directory, name)).then(
        (stat) => stat.size,
        () => 0,
      ),
    ),
  );
  return sizes.reduce((total, size) => total + size, 0);
}
