import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  echoed,
  GatewayError,
  ProviderError,
  type ChatCompletionChunk,
  type ChatMessage,
  type ResponseObject,
  type ResponsesRequest,
  type ResponseStreamEvent,
} from '@app/contracts';
import type { Logger } from 'pino';
import { ChatCompletionsService, type AnswerControls } from '../chat/chat-completions.service';
import { LOGGER } from '../logging/logger';
import { subjectOf } from '../request/principal';
import type { RequestContext } from '../request/request-context';
import type { AttemptRecord } from '../routing/router-observer';
import type { ResponseStore, StoredResponse } from '../state/response-store';
import { RESPONSE_STORE } from '../topology/topology.tokens';
import { chatMessagesFromInput } from './responses-input';
import {
  assistantTurnOf,
  incompleteReason,
  outputItemsOf,
  responsesId,
  responseSkeleton,
  responseUsage,
} from './responses-output';
import { chatRequestFor, responsesParam } from './responses-request';
import { ResponsesStreamTranslator } from './responses-stream';

/** Who answered, for the `x-gateway-*` headers (as chat's answers carry). */
export interface RoutedSummary extends AnswerControls {
  provider: string;
  model: string;
  attempts: AttemptRecord[];
}

export interface ResponsesAnswer extends RoutedSummary {
  response: ResponseObject;
}

export interface ResponsesEventStream extends RoutedSummary {
  /** Starts with `response.created`: the routed stream has its first chunk already. */
  events: AsyncIterable<ResponseStreamEvent>;
}

/**
 * OpenAI's Responses API on every provider: the request becomes the internal chat request
 * (`chatRequestFor`) and goes through `ChatCompletionsService`, so routing, failover (streams
 * before their first event), breakers, cache, keys, limits, usage, cost, metrics and logs are
 * exactly chat's; the answer comes back as a response object or its event stream. With `store`
 * (OpenAI's default: true) the response and the conversation it closes are kept per tenant for
 * RESPONSES_TTL_SECONDS, which is what `previous_response_id`, `item_reference`, `GET` and
 * `DELETE` read.
 */
@Injectable()
export class ResponsesService {
  private readonly ttlSeconds: number;

  constructor(
    @Inject(ChatCompletionsService) private readonly chat: ChatCompletionsService,
    @Inject(RESPONSE_STORE) private readonly store: ResponseStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.ttlSeconds = config.controls.responsesTtlSeconds;
  }

  async create(request: ResponsesRequest, context: RequestContext): Promise<ResponsesAnswer> {
    const conversation = await this.conversationFor(request, context);
    const answer = await this.chat
      .complete(
        chatRequestFor(request, this.withInstructions(request, conversation), false),
        context,
      )
      .catch((error: unknown) => {
        throw responsesParam(error);
      });
    const response = responseSkeleton(responsesId('resp'), request, answer.model);
    const choice = answer.result.choices[0];
    const incomplete = incompleteReason(choice?.finish_reason);
    response.output = outputItemsOf(answer.result);
    response.status = incomplete ? 'incomplete' : 'completed';
    response.incomplete_details = incomplete;
    response.usage = responseUsage(answer.result.usage);
    await this.keep(request, context, response, conversation);
    const { result: _result, ...summary } = answer;
    return { ...summary, response };
  }

  async stream(request: ResponsesRequest, context: RequestContext): Promise<ResponsesEventStream> {
    const conversation = await this.conversationFor(request, context);
    const routed = await this.chat
      .stream(chatRequestFor(request, this.withInstructions(request, conversation), true), context)
      .catch((error: unknown) => {
        throw responsesParam(error);
      });
    const translator = new ResponsesStreamTranslator(
      responseSkeleton(responsesId('resp'), request, routed.model),
    );
    const { chunks, ...summary } = routed;
    return { ...summary, events: this.events(translator, chunks, request, context, conversation) };
  }

  async retrieve(id: string, context: RequestContext): Promise<ResponseObject> {
    const stored = await this.store.get(subjectOf(context.principal), id);
    if (!stored) throw responseNotFound(id);
    return stored.response;
  }

  async delete(id: string, context: RequestContext) {
    if (!(await this.store.delete(subjectOf(context.principal), id))) throw responseNotFound(id);
    return { id, object: 'response.deleted' as const, deleted: true as const };
  }

  private async *events(
    translator: ResponsesStreamTranslator,
    chunks: AsyncIterable<ChatCompletionChunk>,
    request: ResponsesRequest,
    context: RequestContext,
    conversation: ChatMessage[],
  ): AsyncGenerator<ResponseStreamEvent> {
    yield* translator.start();
    try {
      for await (const chunk of chunks) yield* translator.accept(chunk);
    } catch (error) {
      yield* translator.fail(streamFailure(error, translator.snapshot));
      await this.keep(request, context, translator.snapshot, conversation);
      return;
    }
    yield* translator.complete();
    await this.keep(request, context, translator.snapshot, conversation);
  }

  /**
   * The conversation before this response's output: the stored turns of `previous_response_id`
   * (their instructions excepted, as OpenAI does), then this request's input.
   */
  private async conversationFor(
    request: ResponsesRequest,
    context: RequestContext,
  ): Promise<ChatMessage[]> {
    const scope = subjectOf(context.principal);
    const previousId = request.previous_response_id;
    const previous = previousId ? await this.store.get(scope, previousId) : undefined;
    if (previousId && !previous) {
      throw GatewayError.invalidRequest(
        `Previous response with id '${echoed(previousId)}' not found.`,
        'previous_response_id',
        'previous_response_not_found',
      );
    }
    const input = await chatMessagesFromInput(request.input, (id) => this.store.getItem(scope, id));
    const conversation = [...(previous?.conversation ?? []), ...input];
    if (conversation.length === 0)
      throw GatewayError.invalidRequest("Missing required parameter: 'input'.", 'input');
    return conversation;
  }

  private withInstructions(request: ResponsesRequest, conversation: ChatMessage[]): ChatMessage[] {
    return request.instructions
      ? [{ role: 'system', content: request.instructions }, ...conversation]
      : conversation;
  }

  /**
   * Stores the response with its conversation when `store` is not false. A store that fails
   * costs the follow-up, never the answer already paid for: it is logged, and the client gets
   * its response.
   */
  private async keep(
    request: ResponsesRequest,
    context: RequestContext,
    response: ResponseObject,
    conversation: ChatMessage[],
  ): Promise<void> {
    if (request.store === false) return;
    const turn = assistantTurnOf(response.output);
    const stored: StoredResponse = {
      response,
      conversation: turn ? [...conversation, turn] : conversation,
    };
    try {
      await this.store.put(subjectOf(context.principal), stored, this.ttlSeconds);
    } catch (error) {
      this.logger.warn(
        {
          requestId: context.requestId,
          response: response.id,
          err: { message: (error as Error)?.message },
        },
        'response not stored; previous_response_id will not find it',
      );
    }
  }
}

function responseNotFound(id: string): GatewayError {
  return new GatewayError(
    404,
    `Response with id '${echoed(id)}' not found.`,
    'invalid_request_error',
    'response_not_found',
    'response_id',
  );
}

/** What `response.failed` says about a failure past the first event. */
function streamFailure(
  error: unknown,
  response: ResponseObject,
): { code: string; message: string } {
  if (error instanceof ProviderError)
    return {
      code: 'server_error',
      message: `The model failed mid-response (${response.model}): ${error.reason}`,
    };
  if (error instanceof GatewayError)
    return { code: error.code ?? 'server_error', message: error.message };
  return { code: 'server_error', message: 'The response failed' };
}
