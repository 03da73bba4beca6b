import type { RagOperation, RagOperationName } from '@app/contracts';
import type { RagSearchHooks, RagService } from './rag-service';
import type {
  RagDeleteDocumentResult,
  RagIndexResult,
  RagSearchResult,
  RagStats,
} from './rag-types';

/** What each RAG operation answers. */
export interface RagResults {
  index: RagIndexResult;
  search: RagSearchResult;
  delete_document: RagDeleteDocumentResult;
  delete_collection: { name: string; deleted: true };
  stats: RagStats;
}

export type RagResultOf<Name extends RagOperationName> = RagResults[Name];

/**
 * Runs one operation on a `RagService`: the one dispatch table for the in-process dispatcher and
 * the worker's `local-rag` consumer. Deletes and stats are not interruptible (they are short and
 * must not leave a half-written collection), so they take no signal.
 */
export async function runRagOperation(
  service: RagService,
  operation: RagOperation,
  signal?: AbortSignal,
  hooks?: RagSearchHooks,
): Promise<RagResults[RagOperationName]> {
  switch (operation.operation) {
    case 'index':
      return service.index(operation.body, signal);
    case 'search':
      return service.search(operation.body, signal, hooks);
    case 'delete_document':
      return service.deleteDocument(operation.id, operation.collection);
    case 'delete_collection':
      return service.deleteCollection(operation.name);
    case 'stats':
      return service.stats();
  }
}
