import { Inject, Injectable } from '@nestjs/common';
import type { ChatCompletionRequest } from '@app/contracts';
import { ChatRouter } from '../routing/chat-router';
import { ChatControls, type ControlledCompletion, type ControlledStream } from './chat-controls';
import type { RequestContext } from '../http/request-context';

/**
 * The chat use case behind `/v1/chat/completions`, `/ai/query` and RAG answers: one place where a
 * request becomes a routed provider call, so every entry point gets the same failover, and the
 * same production controls (cache, in-flight coalescing, budget, tokens per minute, usage, cost).
 */
@Injectable()
export class ChatCompletionService {
  constructor(
    @Inject(ChatRouter) private readonly router: ChatRouter,
    @Inject(ChatControls) private readonly controls: ChatControls,
  ) {}

  complete(request: ChatCompletionRequest, context: RequestContext): Promise<ControlledCompletion> {
    return this.controls.complete(request, context, () =>
      this.router.complete(request, context.requestId, context.signal),
    );
  }

  stream(request: ChatCompletionRequest, context: RequestContext): Promise<ControlledStream> {
    return this.controls.stream(request, context, () =>
      this.router.openStream(request, context.requestId, context.signal),
    );
  }
}
