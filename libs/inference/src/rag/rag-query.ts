import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  RagQueryBody,
} from '@app/contracts';
import { buildQueryPrompt, toRagAnswer } from './query-prompt';
import type { RagAnswer, RagSearchRequest, RagSearchResult, RagSourcesEvent } from './rag-types';

/** Who answered a RAG query's chat call, plus whatever the caller's port reports with it. */
export interface RagAnsweredBy {
  provider: string;
  model: string;
}

/**
 * What answers the chat part of a RAG query: on the gateway, the routed chat service (failover,
 * cache, usage); on a worker's port, its local model. The query logic does not know which.
 */
export interface RagCompletionPort<Answered extends RagAnsweredBy> {
  complete(request: ChatCompletionRequest): Promise<Answered & { completion: ChatCompletion }>;
  /** Resolves once the stream is committed (its first chunk arrived). */
  stream(
    request: ChatCompletionRequest,
  ): Promise<Answered & { chunks: AsyncIterable<ChatCompletionChunk> }>;
}

export type RagSearchFunction = (
  request: RagSearchRequest,
  signal: AbortSignal,
) => Promise<RagSearchResult>;

/**
 * `/v1/rag/query`, one sequence for the gateway and the worker port: retrieve, build the cited
 * prompt (sources numbered in result order), ask the port, and shape the answer. This module
 * imports no index code, so a gateway that only forwards RAG work to workers never loads hnswlib.
 */
export class RagQuery {
  constructor(private readonly search: RagSearchFunction) {}

  async answer<Answered extends RagAnsweredBy>(
    body: RagQueryBody,
    port: RagCompletionPort<Answered>,
    signal: AbortSignal,
  ): Promise<{ answer: RagAnswer; answered: Answered & { completion: ChatCompletion } }> {
    const { request, collection, sources } = await this.prepare(body, signal);
    const answered = await port.complete(request);
    return { answer: toRagAnswer(collection, sources, answered.completion, answered), answered };
  }

  /**
   * A streamed answer: the `rag.sources` event to send first, then the port's chunks (the last
   * carries `usage`: RAG streams always ask for it).
   */
  async stream<Answered extends RagAnsweredBy>(
    body: RagQueryBody,
    port: RagCompletionPort<Answered>,
    signal: AbortSignal,
  ): Promise<{
    sources: RagSourcesEvent;
    answered: Answered & { chunks: AsyncIterable<ChatCompletionChunk> };
  }> {
    const { request, collection, sources } = await this.prepare(body, signal);
    const answered = await port.stream({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    return { sources: { object: 'rag.sources', collection, sources }, answered };
  }

  private async prepare(body: RagQueryBody, signal: AbortSignal) {
    const { query, collection, top_k, filter, min_score } = body;
    const found = await this.search({ query, collection, top_k, filter, min_score }, signal);
    const prompt = buildQueryPrompt(query, found.results);
    const request: ChatCompletionRequest = {
      model: body.model,
      messages: prompt.messages,
      ...(body.max_tokens !== undefined ? { max_tokens: body.max_tokens } : {}),
      ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
    };
    return { request, collection: found.collection, sources: prompt.sources };
  }
}
