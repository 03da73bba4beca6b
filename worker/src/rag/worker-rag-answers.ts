import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GatewayError, type ChatCompletionRequest, type RagQueryBody } from '@app/contracts';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { clientAbortSignal, SseWriter, toErrorResponse } from '@app/http';
import {
  buildQueryPrompt,
  toRagAnswer,
  RagService,
  type ChatEngine,
  type RagSourcesEvent,
} from '@app/inference';
import { LocalModels } from '../models/local-models';

/**
 * `/v1/rag/query` on the worker's port: retrieval from this worker's `RagService`, the answer from
 * its local chat model (WORKER_LLM_MODEL_PATH). There is no router here: without a local model the
 * answer is a 503 `model_not_configured`, and any `model` other than the local one is a 404. For
 * cloud models, fallback chains and client keys, ask the gateway's `/v1/rag/query`.
 */
@Injectable()
export class WorkerRagAnswers {
  private readonly chat: ChatEngine;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RagService) private readonly rag: RagService,
    @Inject(LocalModels) models: LocalModels,
  ) {
    this.chat = models.chat;
  }

  async answer(body: RagQueryBody, reply: FastifyReply): Promise<void> {
    this.assertLocalModel(body.model);
    // Before retrieval: no local model means a 503 at once (its load is shared and idempotent).
    await this.chat.load();
    const signal = clientAbortSignal(reply)();
    const { query, collection, top_k, filter, min_score } = body;
    const found = await this.rag.search({ query, collection, top_k, filter, min_score }, signal);
    const prompt = buildQueryPrompt(query, found.results);
    const request: ChatCompletionRequest = {
      model: this.chat.modelName,
      messages: prompt.messages,
      ...(body.max_tokens !== undefined ? { max_tokens: body.max_tokens } : {}),
      ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
    };
    if (body.stream) {
      const sources: RagSourcesEvent = {
        object: 'rag.sources',
        collection: found.collection,
        sources: prompt.sources,
      };
      return this.stream(request, sources, reply, signal);
    }
    const completion = await this.chat.complete(request, signal);
    const answer = toRagAnswer(found.collection, prompt.sources, completion, {
      provider: 'local',
      model: request.model,
    });
    reply.status(200).send(answer);
  }

  /** Errors before the first chunk are JSON errors; after it, a final SSE error event. */
  private async stream(
    request: ChatCompletionRequest,
    sources: RagSourcesEvent,
    reply: FastifyReply,
    signal: AbortSignal,
  ): Promise<void> {
    const chunks = this.chat
      .stream({ ...request, stream: true, stream_options: { include_usage: true } }, signal)
      [Symbol.asyncIterator]();
    let next = await chunks.next();
    reply.hijack();
    const writer = new SseWriter(reply.raw);
    writer.open({});
    reply.raw.write(`data: ${JSON.stringify(sources)}\n\n`);
    try {
      for (; !next.done && !writer.closed; next = await chunks.next())
        await writer.chunk(next.value);
      writer.done();
    } catch (error) {
      writer.fail(toErrorResponse(error).body);
    } finally {
      await chunks.return?.();
    }
  }

  private assertLocalModel(model: string): void {
    const local = this.config.worker.chatModelName;
    if (model === 'default' || model === local) return;
    throw new GatewayError(
      404,
      `The worker answers with its local chat model only ('${local}' or 'default'), not ` +
        `'${model}'; send other models through the gateway's /v1/rag/query`,
      'invalid_request_error',
      'model_not_found',
      'model',
    );
  }
}
