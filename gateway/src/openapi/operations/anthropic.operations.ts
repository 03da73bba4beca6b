import { anthropicCountTokensRequestSchema, anthropicMessagesRequestSchema } from '@app/contracts';
import { named, type ApiOperation } from '../api-operation';
import {
  anthropicErrorResponseSchema,
  anthropicMessageSchema,
  anthropicStreamEventSchema,
  anthropicTokenCountSchema,
} from '../schemas/anthropic-responses.schema';
import { ROUTED_ERRORS } from './openai.operations';

const ANTHROPIC_ERROR = named('AnthropicErrorResponse', anthropicErrorResponseSchema);

export const anthropicOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/v1/messages',
    tag: 'Anthropic',
    auth: 'client',
    summary: "Anthropic's Messages API, routed with failover",
    description:
      'Anthropic\'s Messages API (Claude Code, the Anthropic SDKs). A gateway key goes in `x-api-key` or `Authorization: Bearer`. Anthropic targets receive the body and the `anthropic-version`/`anthropic-beta` headers unchanged and their answer comes back unchanged; other targets are translated both ways (see docs/providers.md). `model` routes as for chat completions (Claude ids go to Anthropic first). Errors are Anthropic\'s `{"type":"error","error":{"type","message"}}`. Headers: `x-gateway-provider`, `x-gateway-model`, `x-gateway-attempts`, `x-cache`, `x-gateway-cost-usd`, `request-id`.',
    requestBody: named('AnthropicMessagesRequest', anthropicMessagesRequestSchema),
    responses: [
      {
        status: 200,
        description: "The message (JSON), or with `stream: true` Anthropic's server-sent events",
        body: named('AnthropicMessage', anthropicMessageSchema),
        stream: named('AnthropicStreamEvent', anthropicStreamEventSchema),
      },
    ],
    errors: ROUTED_ERRORS,
    errorBody: ANTHROPIC_ERROR,
  },
  {
    method: 'post',
    path: '/v1/messages/count_tokens',
    tag: 'Anthropic',
    auth: 'client',
    summary: 'Input tokens of a Messages request',
    description:
      "Counted by Anthropic when the model's route has an Anthropic target (the body passed through), otherwise estimated by the gateway (see the README). `x-gateway-token-count: exact | estimate` says which.",
    requestBody: named('AnthropicCountTokensRequest', anthropicCountTokensRequestSchema),
    responses: [
      {
        status: 200,
        description: 'The count',
        body: named('AnthropicTokenCount', anthropicTokenCountSchema),
      },
    ],
    errors: [400, 401, 403, 404, 413, 415, 429],
    errorBody: ANTHROPIC_ERROR,
  },
];
