import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GatewayError } from '@app/contracts';
import { MANIFEST_FILE, readManifest } from './collection-manifest';
import { fsyncDirectory, isErrorCode } from './durable-file';
import { FileLock, type FileLockOptions } from './file-lock';
import { KeyedMutex } from './keyed-mutex';
import { RagCollection, type CollectionSettings } from './rag-collection';
import { collectionBusy, type EmbeddingIdentity } from './rag-errors';

/** What a writer gets while it holds a collection's lock. */
export interface CollectionWrite {
  /** The committed collection, caught up with every other writer; undefined when absent. */
  readonly collection: RagCollection | undefined;
  /** A new, empty collection (only when `collection` is undefined); its first write commits it. */
  create(embedding: EmbeddingIdentity): RagCollection;
  /** Deletes the collection; false when it does not exist. */
  deleteCollection(): Promise<boolean>;
}

export interface CollectionRegistryOptions {
  settings: CollectionSettings;
  lock?: FileLockOptions;
  /** Called when a background checkpoint fails (nothing is lost: snapshot and log stay valid). */
  onBackgroundError?: (error: unknown, collection: string) => void;
}

/**
 * The collections under `<dataDir>/rag/`, each opened once and cached. Several processes may share
 * the directory: writers take `write(name, …)`, which serializes them in this process (a mutex) and
 * across processes (a lock file under `rag/.locks/`), and readers' `get()` catches up with what
 * other processes appended (or reopens after their checkpoint).
 */
export class CollectionRegistry {
  private readonly mutex = new KeyedMutex();
  private readonly opened = new Map<string, Promise<RagCollection | undefined>>();
  private readonly background = new Set<Promise<void>>();

  constructor(
    private readonly root: string,
    private readonly options: CollectionRegistryOptions,
  ) {}

  /** For readers: the committed collection, current with every process's writes, or undefined. */
  async get(name: string): Promise<RagCollection | undefined> {
    for (;;) {
      const cached = this.opened.get(name);
      if (!cached) return this.open(name);
      const collection = await cached;
      if (!collection || collection.refresh()) return collection;
      // Outdated (another process checkpointed or deleted it): reopen once, whoever notices first.
      if (this.opened.get(name) === cached) this.opened.delete(name);
    }
  }

  /**
   * Runs `task` as the only writer of the collection, in this process and across processes. A task
   * that fails other than with a request fault may have changed memory without committing: the
   * cached copy is dropped and the next access reloads the committed state. A log that grew past its limit is checkpointed afterwards,
   * in the background (the next writer of this collection waits for it).
   */
  async write<T>(name: string, task: (write: CollectionWrite) => Promise<T>): Promise<T> {
    return this.mutex.run(name, async () => {
      const lock = await FileLock.acquire(this.lockFileOf(name), this.options.lock);
      if (!lock) throw collectionBusy(name);
      try {
        return await this.writeLocked(name, task);
      } finally {
        await lock.release();
      }
    });
  }

  /** Resolves once background checkpoints have finished. */
  async close(): Promise<void> {
    while (this.background.size > 0) await Promise.all(this.background);
  }

  /** Names of committed collections, sorted. */
  async names(): Promise<string[]> {
    const entries = await fs.readdir(this.root, { withFileTypes: true }).catch((error: unknown) => {
      if (isErrorCode(error, 'ENOENT')) return [];
      throw error;
    });
    const directories = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    const committed = await Promise.all(
      directories.map(async (name) =>
        (await readManifest(this.directoryOf(name))) ? name : undefined,
      ),
    );
    return committed.filter((name): name is string => name !== undefined).sort();
  }

  directoryOf(name: string): string {
    return path.join(this.root, name);
  }

  private lockFileOf(name: string): string {
    return path.join(this.root, '.locks', `${name}.lock`);
  }

  /** Never caches "absent": another process may create the collection at any time. */
  private open(name: string): Promise<RagCollection | undefined> {
    const opening = RagCollection.open(this.directoryOf(name), this.options.settings);
    this.opened.set(name, opening);
    const forget = () => {
      if (this.opened.get(name) === opening) this.opened.delete(name);
    };
    opening.then((collection) => collection ?? forget(), forget);
    return opening;
  }

  private async writeLocked<T>(
    name: string,
    task: (write: CollectionWrite) => Promise<T>,
  ): Promise<T> {
    let collection = await this.get(name);
    await collection?.prepareForWrite();
    const write: CollectionWrite = {
      collection,
      create: (embedding) => {
        collection = RagCollection.create(
          this.directoryOf(name),
          name,
          embedding,
          this.options.settings,
        );
        collection.writing = true;
        this.opened.set(name, Promise.resolve(collection));
        return collection;
      },
      deleteCollection: async () => {
        this.opened.delete(name);
        return collection !== undefined && (await this.removeDirectory(name));
      },
    };
    if (collection) collection.writing = true;
    try {
      const result = await task(write);
      if (collection?.checkpointDue) this.checkpointInBackground(name);
      return result;
    } catch (error) {
      // Request faults (unknown document, other embedding model) are thrown before any change;
      // anything else may have left memory ahead of disk.
      if (!(error instanceof GatewayError)) this.opened.delete(name);
      throw error;
    } finally {
      if (collection) collection.writing = false;
    }
  }

  /**
   * Removing the manifest first is the commit point: a crash after it leaves files that no longer
   * form a collection, and the next create cleans them.
   */
  private async removeDirectory(name: string): Promise<true> {
    const directory = this.directoryOf(name);
    await fs.rm(path.join(directory, MANIFEST_FILE), { force: true });
    await fsyncDirectory(directory).catch((error: unknown) => {
      if (!isErrorCode(error, 'ENOENT')) throw error;
    });
    await fs.rm(directory, { recursive: true, force: true });
    return true;
  }

  private checkpointInBackground(name: string): void {
    const checkpoint = this.write(name, async ({ collection }) => {
      if (collection?.checkpointDue) await collection.checkpoint();
    })
      .catch((error: unknown) => this.options.onBackgroundError?.(error, name))
      .finally(() => this.background.delete(checkpoint));
    this.background.add(checkpoint);
  }
}
