import { Inject, Injectable } from '@nestjs/common';
import { withSpan } from '@app/tracing';
import type { RagQueryBody } from '@app/contracts';
import { RagQuery, type RagCompletionPort } from '@app/inference/rag/rag-query';
import { ChatCompletionsService, type AnswerControls } from '../chat/chat-completions.service';
import type { RequestContext } from '../request/request-context';
import type { AttemptRecord } from '../routing/router-observer';
import { RagCollectionsService } from './rag-collections.service';

/** How the gateway answered a RAG query's chat call: routed, with the gateway headers' facts. */
export type GatewayAnswered = {
  provider: string;
  model: string;
  attempts: AttemptRecord[];
} & AnswerControls;

/**
 * `/v1/rag/query` on the gateway: retrieval wherever the RAG backend runs, the answer from the
 * normal chat service, so it gets the same routing, failover and controls as
 * `/v1/chat/completions`. The sequence itself is `RagQuery`, shared with the worker's port.
 */
@Injectable()
export class RagQueryService {
  constructor(
    @Inject(RagCollectionsService) private readonly collections: RagCollectionsService,
    @Inject(ChatCompletionsService) private readonly chat: ChatCompletionsService,
  ) {}

  answer(body: RagQueryBody, context: RequestContext) {
    return this.queryFor(context).answer(body, this.port(context), context.signal);
  }

  stream(body: RagQueryBody, context: RequestContext) {
    return this.queryFor(context).stream(body, this.port(context), context.signal);
  }

  /** Retrieval in the caller's own collections. */
  private queryFor(context: RequestContext): RagQuery {
    return new RagQuery((request) => this.collections.search(request, context));
  }

  private port(context: RequestContext): RagCompletionPort<GatewayAnswered> {
    return {
      complete: (request) =>
        withSpan(context.span, 'rag answer', async () => {
          const { result, ...answered } = await this.chat.complete(request, context);
          return { ...answered, completion: result };
        }),
      // Until the first chunk: the rest of the stream belongs to the attempt's own span.
      stream: (request) =>
        withSpan(context.span, 'rag answer', () => this.chat.stream(request, context)),
    };
  }
}
