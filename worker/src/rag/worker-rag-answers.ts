import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GatewayError, type ChatCompletionRequest, type RagQueryBody } from '@app/contracts';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { clientAbortSignal, SseWriter, toErrorResponse } from '@app/http';
import type { ChatEngine } from '@app/inference/chat/chat-engine';
import { RagQuery, type RagCompletionPort } from '@app/inference/rag/rag-query';
import { RagService } from '@app/inference/rag/rag-service';
import { LocalModels } from '../models/local-models';

/**
 * `/v1/rag/query` on the worker's port: the same `RagQuery` sequence as the gateway, with
 * retrieval from this worker's `RagService` and the answer from its local chat model
 * (WORKER_LLM_MODEL_PATH). There is no router here: without a local model the answer is a 503
 * `model_not_configured`, and any `model` other than the local one is a 404. For cloud models,
 * fallback chains and client keys, ask the gateway's `/v1/rag/query`.
 */
@Injectable()
export class WorkerRagAnswers {
  private readonly chat: ChatEngine;
  private readonly query: RagQuery;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RagService) rag: RagService,
    @Inject(LocalModels) models: LocalModels,
  ) {
    this.chat = models.chat;
    this.query = new RagQuery((request, signal) => rag.search(request, signal));
  }

  async answer(body: RagQueryBody, reply: FastifyReply): Promise<void> {
    this.assertLocalModel(body.model);
    // Before retrieval: no local model means a 503 at once (its load is shared and idempotent).
    await this.chat.load();
    const signal = clientAbortSignal(reply)();
    const request = { ...body, model: this.chat.modelName };
    const port = this.port(signal);
    if (!body.stream) {
      reply.status(200).send((await this.query.answer(request, port, signal)).answer);
      return;
    }
    const { sources, answered } = await this.query.stream(request, port, signal);
    const chunks = answered.chunks[Symbol.asyncIterator]();
    // Errors before the first chunk are JSON errors; after it, a final SSE error event.
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

  /** The local model as the RAG query's answerer. */
  private port(signal: AbortSignal): RagCompletionPort<{ provider: string; model: string }> {
    const answeredBy = { provider: 'local', model: this.chat.modelName };
    return {
      complete: async (request: ChatCompletionRequest) => ({
        ...answeredBy,
        completion: await this.chat.complete(request, signal),
      }),
      stream: async (request: ChatCompletionRequest) => ({
        ...answeredBy,
        chunks: this.chat.stream(request, signal),
      }),
    };
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
