import { statSync } from 'node:fs';
import * as path from 'node:path';
import {
  CollectionContents,
  createIndex,
  type CollectionSearchOptions,
  type CollectionSettings,
  type PreparedDocument,
  writesIn,
} from './collection-contents';
import {
  appendLogRecords,
  encodeLogRecord,
  readLogSince,
  truncateLog,
  type LogRecord,
} from './collection-log';
import {
  manifestFingerprint,
  removeUnreferencedFiles,
  type CollectionManifest,
} from './collection-manifest';
import {
  logFileOf,
  readConsistently,
  readSnapshotChunks,
  writeSnapshot,
} from './collection-snapshot';
import { isErrorCode } from './durable-file';
import type { EmbeddingIdentity } from './rag-errors';
import type { RagSearchHit } from './rag-types';

export type { CollectionSearchOptions, CollectionSettings, PreparedDocument };

/** How far this copy has read or written the collection's files. */
interface DiskPosition {
  manifestFingerprint: string | undefined;
  /** End of the last whole log record applied. */
  logValidBytes: number;
  /** Log size when last looked at: a different size means another process appended. */
  logSeenBytes: number;
  /** Upserted chunks and deleted documents in the log (the checkpoint trigger). */
  loggedWrites: number;
}

/**
 * One collection: chunk store + vector index in memory, snapshot + append-only log on disk. Not
 * thread-safe: writers hold the collection lock (CollectionRegistry.write). A write changes memory
 * first, then appends one fsynced log record (the commit point); a failed write leaves memory ahead
 * of disk, so the caller must drop this object and reopen from disk.
 */
export class RagCollection {
  /** Set by the registry while this process writes it: readers then skip `refresh()`. */
  writing = false;
  private disk: DiskPosition = {
    manifestFingerprint: undefined,
    logValidBytes: 0,
    logSeenBytes: 0,
    loggedWrites: 0,
  };
  private filesCleaned = false;

  private constructor(
    readonly directory: string,
    readonly name: string,
    readonly embedding: EmbeddingIdentity,
    /** Undefined until the first write commits. */
    private manifest: CollectionManifest | undefined,
    private readonly contents: CollectionContents,
    private readonly settings: CollectionSettings,
  ) {}

  /** A new collection; nothing is on disk until the first write commits a snapshot. */
  static create(
    directory: string,
    name: string,
    embedding: EmbeddingIdentity,
    settings: CollectionSettings,
  ): RagCollection {
    const contents = CollectionContents.empty(embedding.dimensions, settings);
    return new RagCollection(directory, name, embedding, undefined, contents, settings);
  }

  /** Snapshot plus log replay; undefined when the directory holds no committed collection. */
  static async open(
    directory: string,
    settings: CollectionSettings,
  ): Promise<RagCollection | undefined> {
    return readConsistently(directory, async ({ manifest, fingerprint, log }) => {
      const chunks = await readSnapshotChunks(directory, manifest);
      const index = createIndex(manifest.index.type, manifest.embedding.dimensions, settings);
      await index.load(path.join(directory, manifest.files.index));
      if (index.size !== chunks.chunkCount) {
        throw new Error(
          `Collection ${manifest.name}: index holds ${index.size} vectors, chunk store ${chunks.chunkCount}`,
        );
      }
      const { name, embedding } = manifest;
      const contents = new CollectionContents(chunks, index, settings);
      const collection = new RagCollection(
        directory,
        name,
        embedding,
        manifest,
        contents,
        settings,
      );
      collection.replay(log.records);
      collection.disk.manifestFingerprint = fingerprint;
      collection.disk.logValidBytes = log.validBytes;
      collection.disk.logSeenBytes = log.fileBytes;
      return collection;
    });
  }

  get checkpointDue(): boolean {
    return (
      this.manifest !== undefined && this.disk.loggedWrites >= this.settings.checkpointLogChunks
    );
  }

  /** Replaces documents with the same id (old chunks removed), then commits. Returns chunk ids per document. */
  async upsertDocuments(documents: PreparedDocument[]): Promise<string[][]> {
    const logged = this.contents.label(documents);
    const vectors = documents.flatMap((document) => document.vectors);
    this.contents.applyUpsert(logged, vectors);
    const upgraded = this.contents.upgradeToHnswWhenLarge();
    // The snapshot records the index type, so the move to HNSW commits as a snapshot.
    if (!this.manifest || upgraded) await this.checkpoint();
    else {
      const totals = this.contents.totals();
      await this.append({ entry: { op: 'upsert', documents: logged, totals }, vectors });
    }
    return logged.map((document) => document.chunks.map((chunk) => chunk.id));
  }

  /** Returns the number of chunks removed, or undefined when the document is absent. */
  async deleteDocument(id: string): Promise<number | undefined> {
    const removed = this.contents.applyDelete(id);
    if (removed === undefined) return undefined;
    const totals = this.contents.totals();
    await this.append({ entry: { op: 'delete', ids: [id], totals }, vectors: [] });
    return removed;
  }

  search(vector: Float32Array, options: CollectionSearchOptions): RagSearchHit[] {
    return this.contents.search(vector, options);
  }

  /**
   * Catches up with records other processes appended (synchronous: two `stat`s when nothing
   * changed). False when this copy cannot catch up — another process wrote a new snapshot or
   * deleted the collection — and must be reopened.
   */
  refresh(): boolean {
    if (this.writing || !this.manifest) return true;
    if (manifestFingerprint(this.directory) !== this.disk.manifestFingerprint) return false;
    const logFile = logFileOf(this.directory, this.manifest);
    const size = fileSize(logFile);
    if (size === this.disk.logSeenBytes) return true;
    if (size < this.disk.logValidBytes) return false;
    const log = readLogSince(logFile, this.disk.logValidBytes, this.embedding.dimensions);
    this.replay(log.records);
    this.disk.logValidBytes = log.validBytes;
    this.disk.logSeenBytes = log.fileBytes;
    return true;
  }

  /**
   * Call while holding the collection lock, after `refresh()`: cuts a torn log tail (a writer died
   * mid-append) and, once per opened copy, removes files of crashed checkpoints.
   */
  async prepareForWrite(): Promise<void> {
    if (!this.manifest) return;
    if (this.disk.logSeenBytes > this.disk.logValidBytes) {
      await truncateLog(logFileOf(this.directory, this.manifest), this.disk.logValidBytes);
      this.disk.logSeenBytes = this.disk.logValidBytes;
    }
    if (!this.filesCleaned) {
      await removeUnreferencedFiles(this.directory, this.manifest);
      this.filesCleaned = true;
    }
  }

  /** Writes the whole collection as generation n+1 and starts its empty log. Under the lock. */
  async checkpoint(): Promise<void> {
    const manifest = await writeSnapshot(
      this.directory,
      {
        format: 1,
        name: this.name,
        generation: (this.manifest?.generation ?? 0) + 1,
        embedding: this.embedding,
        index: { ...this.settings.hnsw, type: this.contents.index.type },
        ...this.contents.totals(),
        updated_at: new Date().toISOString(),
      },
      this.contents.chunks,
      this.contents.index,
    );
    this.manifest = manifest;
    this.disk = {
      manifestFingerprint: manifestFingerprint(this.directory),
      logValidBytes: 0,
      logSeenBytes: 0,
      loggedWrites: 0,
    };
    await removeUnreferencedFiles(this.directory, manifest);
    this.filesCleaned = true;
  }

  private async append(record: LogRecord): Promise<void> {
    const manifest = this.manifest as CollectionManifest;
    const bytes = encodeLogRecord(record, this.embedding.dimensions);
    const created = this.disk.logValidBytes === 0;
    await appendLogRecords(logFileOf(this.directory, manifest), bytes, created);
    this.disk.logValidBytes += bytes.length;
    this.disk.logSeenBytes = this.disk.logValidBytes;
    this.disk.loggedWrites += writesIn(record);
  }

  private replay(records: LogRecord[]): void {
    for (const record of records) {
      this.contents.replay(record);
      this.disk.loggedWrites += writesIn(record);
    }
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return 0;
    throw error;
  }
}
