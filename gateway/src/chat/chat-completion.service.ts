import { Inject, Injectable } from '@nestjs/common';
import type { ChatCompletion, ChatCompletionRequest } from '@app/contracts';
import { ChatRouter, type Routed, type RoutedStream } from '../routing/chat-router';
import type { RequestContext } from '../http/request-context';

/**
 * The chat use case behind `/v1/chat/completions`, `/ai/query` and RAG answers: one place where a
 * request becomes a routed provider call, so every entry point gets the same failover.
 */
@Injectable()
export class ChatCompletionService {
  constructor(@Inject(ChatRouter) private readonly router: ChatRouter) {}

  complete(request: ChatCompletionRequest, context: RequestContext): Promise<Routed<ChatCompletion>> {
    return this.router.complete(request, context.requestId, context.signal);
  }

  stream(request: ChatCompletionRequest, context: RequestContext): Promise<RoutedStream> {
    return this.router.openStream(request, context.requestId, context.signal);
  }
}
