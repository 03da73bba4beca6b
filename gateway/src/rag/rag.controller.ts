import { Controller, Delete, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  GatewayError,
  ragIndexSchema,
  ragQuerySchema,
  ragSearchSchema,
  type ChatCompletionRequest,
} from '@app/contracts';
import { parseBody } from '@app/http';
import { buildQueryPrompt, toRagAnswer, type RagSourcesEvent } from '@app/inference/rag';
import { ChatCompletionService } from '../chat/chat-completion.service';
import type { ControlledStream } from '../chat/chat-controls';
import { gatewayHeaders } from '../http/gateway-headers';
import { requestContext, type RequestContext } from '../http/request-context';
import { sendRoutedStream } from '../http/send-routed-stream';
import { RAG_BACKEND, type RagBackend } from './rag-backend';

/**
 * `/v1/rag/*`: index, search, query (retrieve → cited prompt → the normal chat router, so the answer
 * gets the same routing, failover and controls as `/v1/chat/completions`), stats and deletes.
 * The retrieval work runs wherever the `RagBackend` runs it (in-process or on a worker).
 */
@Controller('v1/rag')
export class RagController {
  constructor(
    @Inject(RAG_BACKEND) private readonly rag: RagBackend,
    @Inject(ChatCompletionService) private readonly chat: ChatCompletionService,
  ) {}

  @Post('index')
  async index(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = requestContext(request, reply);
    const body = parseBody(ragIndexSchema, request.body);
    reply.status(200).send(await this.rag.index(body, context.signal));
  }

  @Post('search')
  async search(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = requestContext(request, reply);
    const body = parseBody(ragSearchSchema, request.body);
    reply.status(200).send({ object: 'list', ...(await this.rag.search(body, context.signal)) });
  }

  /**
   * `{answer, sources, usage, model, provider, collection}`; with `stream: true`, SSE: first a
   * `{"object":"rag.sources",…}` event, then `chat.completion.chunk` events (the last one carries
   * `usage`), then `data: [DONE]`.
   */
  @Post('query')
  async query(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = requestContext(request, reply);
    const body = parseBody(ragQuerySchema, request.body);
    const { query, collection, top_k, filter, min_score } = body;
    const found = await this.rag.search(
      { query, collection, top_k, filter, min_score },
      context.signal,
    );
    const prompt = buildQueryPrompt(query, found.results);
    const chatRequest: ChatCompletionRequest = {
      model: body.model,
      messages: prompt.messages,
      ...(body.max_tokens !== undefined ? { max_tokens: body.max_tokens } : {}),
      ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
    };
    if (body.stream) {
      const sourcesEvent: RagSourcesEvent = {
        object: 'rag.sources',
        collection: found.collection,
        sources: prompt.sources,
      };
      return this.stream(
        { ...chatRequest, stream: true, stream_options: { include_usage: true } },
        sourcesEvent,
        context,
        reply,
      );
    }
    const routed = await this.chat.complete(chatRequest, context);
    const answer = toRagAnswer(found.collection, prompt.sources, routed.result, routed);
    reply.status(200).headers(gatewayHeaders(routed)).send(answer);
  }

  @Get('stats')
  async stats(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = requestContext(request, reply);
    reply.status(200).send({ object: 'rag.stats', ...(await this.rag.stats(context.signal)) });
  }

  @Delete('documents/:id')
  async deleteDocument(
    @Param('id') id: string,
    @Query('collection') collection: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const context = requestContext(request, reply);
    if (collection !== undefined && typeof collection !== 'string') {
      throw GatewayError.invalidRequest(
        "'collection' must be given once, as a string",
        'collection',
      );
    }
    reply.status(200).send(await this.rag.deleteDocument(id, collection, context.signal));
  }

  @Delete('collections/:name')
  async deleteCollection(
    @Param('name') name: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const context = requestContext(request, reply);
    reply.status(200).send(await this.rag.deleteCollection(name, context.signal));
  }

  /** Errors before the first event are normal JSON errors; after it, a final SSE error event. */
  private async stream(
    chatRequest: ChatCompletionRequest,
    sourcesEvent: RagSourcesEvent,
    context: RequestContext,
    reply: FastifyReply,
  ): Promise<void> {
    const routed: ControlledStream = await this.chat.stream(chatRequest, context);
    // The RAG query always asked upstream for usage and always returns it in the last chunk.
    await sendRoutedStream(reply, routed, { includeUsage: true, preamble: sourcesEvent });
  }
}
