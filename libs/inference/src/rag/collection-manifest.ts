import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isErrorCode, TEMP_SUFFIX, writeFileDurably } from './durable-file';
import type { HnswParameters } from './hnsw-vector-index';
import type { EmbeddingIdentity } from './rag-errors';
import type { VectorIndexType } from './vector-index';

export const MANIFEST_FILE = 'manifest.json';

/**
 * The commit record of a collection. Each commit writes a new generation of the index and chunk
 * files, then this manifest (atomically) naming them: a collection is exactly what its manifest
 * names, so files of a generation that crashed before its manifest are ignored and removed.
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

/** Deletes older generations, temp files and half-written newer generations. */
export async function removeUnreferencedFiles(
  directory: string,
  manifest: CollectionManifest,
): Promise<void> {
  const indexFile = manifest.files.index;
  const isReferenced = (name: string) =>
    !name.endsWith(TEMP_SUFFIX) &&
    (name === MANIFEST_FILE ||
      name === manifest.files.chunks ||
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
