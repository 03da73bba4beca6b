import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ChunkStore } from './chunk-store';
import { logFileName, readLog, type LogContents, type LogTotals } from './collection-log';
import {
  manifestFingerprint,
  readManifest,
  writeManifest,
  type CollectionManifest,
} from './collection-manifest';
import { isErrorCode, writeFileDurably } from './durable-file';
import type { VectorIndex } from './vector-index';

/** What a collection's directory holds at one committed point: snapshot plus log. */
export interface CommittedCollection {
  manifest: CollectionManifest;
  /** `manifestFingerprint` before reading: if it changes, this read may be outdated. */
  fingerprint: string;
  log: LogContents;
}

/**
 * Writes generation `manifest.generation` (index, chunks), then the manifest naming it: the commit
 * point. Returns the manifest as written. Older files stay until `removeUnreferencedFiles`.
 */
export async function writeSnapshot(
  directory: string,
  manifest: Omit<CollectionManifest, 'files'>,
  chunks: ChunkStore,
  index: VectorIndex,
): Promise<CollectionManifest> {
  const generation = manifest.generation;
  const files = { index: `index-${generation}.${index.type}`, chunks: `chunks-${generation}.json` };
  await fs.mkdir(directory, { recursive: true });
  // Left by an earlier collection of this name whose delete crashed: it would be replayed.
  await fs.rm(path.join(directory, logFileName(generation)), { force: true });
  await index.save(path.join(directory, files.index));
  await writeFileDurably(path.join(directory, files.chunks), chunks.serialize());
  const committed: CollectionManifest = { ...manifest, files };
  await writeManifest(directory, committed);
  return committed;
}

export async function readSnapshotChunks(
  directory: string,
  manifest: CollectionManifest,
): Promise<ChunkStore> {
  return ChunkStore.deserialize(
    await fs.readFile(path.join(directory, manifest.files.chunks), 'utf8'),
  );
}

export function logFileOf(directory: string, manifest: CollectionManifest): string {
  return path.join(directory, logFileName(manifest.generation));
}

/**
 * Reads the manifest, then `read` (the snapshot files and/or the log), and retries when a
 * checkpoint or delete by another process replaced the manifest meanwhile (its old files may be
 * gone, or its log cut short). Undefined when there is no committed collection.
 */
export async function readConsistently<T>(
  directory: string,
  read: (committed: CommittedCollection) => Promise<T>,
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    const fingerprint = manifestFingerprint(directory);
    const manifest = fingerprint === undefined ? undefined : await readManifest(directory);
    if (fingerprint === undefined || !manifest) return undefined;
    try {
      const log = await readLog(logFileOf(directory, manifest), manifest.embedding.dimensions);
      const result = await read({ manifest, fingerprint, log });
      if (manifestFingerprint(directory) === fingerprint) return result;
    } catch (error) {
      if (!isErrorCode(error, 'ENOENT') || attempt >= 5) throw error;
    }
  }
}

/** Document and chunk counts of the committed state, without loading the collection. */
export async function readCommittedTotals(
  directory: string,
): Promise<{ manifest: CollectionManifest; totals: LogTotals } | undefined> {
  return readConsistently(directory, async ({ manifest, log }) => ({
    manifest,
    totals: log.records.at(-1)?.entry.totals ?? {
      documents: manifest.documents,
      chunks: manifest.chunks,
    },
  }));
}
