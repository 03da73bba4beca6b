import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MANIFEST_FILE, readManifest } from './collection-manifest';
import { fsyncDirectory, isErrorCode } from './durable-file';
import { KeyedMutex } from './keyed-mutex';
import { RagCollection, type CollectionSettings } from './rag-collection';
import type { EmbeddingIdentity } from './rag-errors';

/**
 * The collections under `<dataDir>/rag/`, each opened once and cached. Writers take
 * `lock.run(name, …)` so index/delete requests on one collection never interleave.
 */
export class CollectionRegistry {
  readonly lock = new KeyedMutex();
  private readonly opened = new Map<string, Promise<RagCollection | undefined>>();

  constructor(
    private readonly root: string,
    private readonly settings: CollectionSettings,
  ) {}

  /** The committed (or being-created) collection, or undefined. */
  get(name: string): Promise<RagCollection | undefined> {
    let collection = this.opened.get(name);
    if (!collection) {
      collection = RagCollection.open(this.directoryOf(name), this.settings);
      this.opened.set(name, collection);
      collection.catch(() => this.forget(name));
    }
    return collection;
  }

  /** Call under the collection's lock. */
  async getOrCreate(name: string, embedding: EmbeddingIdentity): Promise<RagCollection> {
    const existing = await this.get(name);
    if (existing) return existing;
    const created = RagCollection.create(this.directoryOf(name), name, embedding, this.settings);
    this.opened.set(name, Promise.resolve(created));
    return created;
  }

  /** Drops the cached copy so the next access reloads the last committed state from disk. */
  forget(name: string): void {
    this.opened.delete(name);
  }

  /**
   * Call under the collection's lock. Removing the manifest first is the commit point: a crash
   * after it leaves files that no longer form a collection, and the next create cleans them.
   */
  async delete(name: string): Promise<boolean> {
    const directory = this.directoryOf(name);
    const collection = await this.get(name);
    this.forget(name);
    if (!collection) return false;
    await fs.rm(path.join(directory, MANIFEST_FILE), { force: true });
    await fsyncDirectory(directory).catch((error: unknown) => {
      if (!isErrorCode(error, 'ENOENT')) throw error;
    });
    await fs.rm(directory, { recursive: true, force: true });
    return true;
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
}
