import { randomUUID } from 'node:crypto';
import { GATEWAY, withSpan, type TraceSpan } from '@app/tracing';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  GatewayError,
  ProviderError,
  type RagIndexBody,
  type RagOperation,
  type RagSearchBody,
} from '@app/contracts';
import type { LocalDispatcher } from '@app/inference/dispatch';
import type { RagResultOf } from '@app/inference/rag/rag-operations';
import {
  MAX_CLIENT_COLLECTION_NAME,
  validateCollectionName,
} from '@app/inference/rag/rag-request-validation';
import type { RequestContext } from '../request/request-context';
import { LOCAL_DISPATCHER } from '../topology/topology.tokens';

const MODEL_FAULTS = new Set(['model_unavailable', 'model_not_configured']);

/** Indexing embeds every chunk: give it more time than a chat request. */
const MIN_INDEX_WAIT_MS = 120_000;

/**
 * A caller's view of the RAG collections. A tenant's collections live under its tenant id
 * (`docs` is stored as `ten_….docs`), so a tenant can neither read, list nor delete another's; a
 * name that looks like another tenant's only nests deeper under its own. The admin key and an
 * open gateway (no tenants yet) see stored names as they are, so the admin may address any
 * tenant's collection explicitly (`ten_….docs`).
 */
class CollectionScope {
  private readonly prefix: string | undefined;

  constructor(
    context: RequestContext,
    private readonly defaultCollection: string,
  ) {
    const principal = context.principal;
    this.prefix = principal.kind === 'tenant' ? `${principal.tenant.id}.` : undefined;
  }

  stored(name: string | undefined, param = 'collection'): string | undefined {
    if (this.prefix === undefined) return name;
    const logical = validateCollectionName(
      name ?? this.defaultCollection,
      param,
      MAX_CLIENT_COLLECTION_NAME,
    );
    return `${this.prefix}${logical}`;
  }

  shown(stored: string): string {
    return this.prefix !== undefined && stored.startsWith(this.prefix)
      ? stored.slice(this.prefix.length)
      : stored;
  }

  owns(stored: string): boolean {
    return this.prefix === undefined || stored.startsWith(this.prefix);
  }
}

/**
 * `/v1/rag/index|search|stats|documents|collections` for one caller: names scoped to its tenant,
 * the work run wherever the local dispatcher runs it (in this process, or on a worker over
 * BullMQ). A worker that cannot be reached is a 503 `rag_unavailable`; request faults keep their
 * 4xx from `RagService`.
 */
@Injectable()
export class RagCollectionsService {
  constructor(
    @Inject(LOCAL_DISPATCHER) private readonly dispatcher: LocalDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Documents without an id get one here, before queueing, so a job retried after a worker crash
   * replaces what the first run wrote instead of indexing the documents twice.
   */
  async index(body: RagIndexBody, context: RequestContext) {
    const scope = this.scope(context);
    const documents = body.documents.map((document) =>
      document.id === undefined
        ? { ...document, id: `doc_${randomUUID().replace(/-/g, '')}` }
        : document,
    );
    const waitMs = Math.max(this.config.routing.requestTimeoutMs, MIN_INDEX_WAIT_MS);
    const result = await this.run(
      {
        operation: 'index',
        body: { ...body, collection: scope.stored(body.collection), documents },
      },
      context,
      waitMs,
    );
    return { ...result, collection: scope.shown(result.collection) };
  }

  async search(body: RagSearchBody, context: RequestContext) {
    const scope = this.scope(context);
    const result = await this.run(
      { operation: 'search', body: { ...body, collection: scope.stored(body.collection) } },
      context,
    );
    return { ...result, collection: scope.shown(result.collection) };
  }

  async deleteDocument(id: string, collection: string | undefined, context: RequestContext) {
    const scope = this.scope(context);
    const result = await this.run(
      { operation: 'delete_document', id, collection: scope.stored(collection) },
      context,
    );
    return { ...result, collection: scope.shown(result.collection) };
  }

  async deleteCollection(name: string, context: RequestContext) {
    const scope = this.scope(context);
    const result = await this.run(
      { operation: 'delete_collection', name: scope.stored(name, 'name')! },
      context,
    );
    return { ...result, name: scope.shown(result.name) };
  }

  async stats(context: RequestContext) {
    const scope = this.scope(context);
    const result = await this.run({ operation: 'stats' }, context);
    return {
      collections: result.collections
        .filter((collection) => scope.owns(collection.name))
        .map((collection) => ({ ...collection, name: scope.shown(collection.name) })),
    };
  }

  private scope(context: RequestContext): CollectionScope {
    return new CollectionScope(context, this.config.rag.defaultCollection);
  }

  private async run<Operation extends RagOperation>(
    rag: Operation,
    context: RequestContext,
    waitMs = this.config.routing.requestTimeoutMs,
  ): Promise<RagResultOf<Operation['operation']>> {
    try {
      return await withSpan(
        context.span,
        `rag ${rag.operation}`,
        (span) =>
          this.dispatcher.rag(
            { requestId: context.requestId, ...traceOf(span), rag, deadline: Date.now() + waitMs },
            context.signal,
          ),
        { attributes: { [GATEWAY.ragOperation]: rag.operation } },
      );
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      // A model that cannot load (or is not configured) says which: keep its own words.
      if (error instanceof ProviderError && error.code && MODEL_FAULTS.has(error.code))
        throw new GatewayError(503, error.message, 'service_unavailable', error.code);
      throw new GatewayError(
        503,
        `The RAG worker could not run the request: ${(error as Error)?.message ?? String(error)}`,
        'api_error',
        'rag_unavailable',
      );
    }
  }
}

/** The span's trace context for the job, so a worker's RAG spans join the request's trace. */
function traceOf(span: TraceSpan): { trace?: Record<string, string> } {
  const carrier = span.carrier();
  return carrier.traceparent ? { trace: { ...carrier } } : {};
}
