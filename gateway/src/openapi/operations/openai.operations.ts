import {
  chatCompletionRequestSchema,
  embeddingsRequestSchema,
  responsesRequestSchema,
} from '@app/contracts';
import { named, type ApiOperation } from '../api-operation';
import {
  chatCompletionChunkSchema,
  chatCompletionSchema,
  embeddingsResponseSchema,
  modelListSchema,
  modelSchema,
} from '../schemas/openai-responses.schema';
import {
  responseDeletedSchema,
  responseObjectSchema,
  responseStreamEventSchema,
} from '../schemas/responses-api.schema';

/** Errors any routed call can answer (validation, keys, budgets, limits, upstream failure). */
export const ROUTED_ERRORS = [400, 401, 402, 403, 404, 413, 415, 429, 502, 503, 504];

const ROUTING_HEADERS =
  'Headers: `x-gateway-provider`, `x-gateway-model`, `x-gateway-attempts`, `x-cache` (HIT/MISS), `x-gateway-cost-usd`, `x-request-id`, `x-ratelimit-*`.';

export const openaiOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/v1/chat/completions',
    tag: 'OpenAI',
    auth: 'client',
    summary: 'Chat completion, routed with failover',
    description: `OpenAI's Chat Completions. \`model\` is a route alias (\`default\`, \`auto\`, configured aliases), \`provider/model\`, or a concrete model. Gateway-only fields: \`provider\` (pin one provider) and \`cache\`. A top-level field the gateway does not know goes to OpenAI-wire upstreams unchanged (they judge it); a translating provider (Anthropic, Gemini, Bedrock, local) that cannot honour a field is left out of the chain, and when none is left the answer is a 400 naming it. ${ROUTING_HEADERS}`,
    requestBody: named('ChatCompletionRequest', chatCompletionRequestSchema),
    responses: [
      {
        status: 200,
        description: 'The completion (JSON), or with `stream: true` server-sent events',
        body: named('ChatCompletion', chatCompletionSchema),
        stream: named('ChatCompletionChunk', chatCompletionChunkSchema),
      },
    ],
    errors: ROUTED_ERRORS,
  },
  {
    method: 'post',
    path: '/v1/responses',
    tag: 'OpenAI',
    auth: 'client',
    summary: 'Responses API, served on every provider',
    description: `OpenAI's Responses API, translated to the internal chat request, so routing, failover (streams before their first event), breakers, cache, limits, usage and cost are chat's. \`input\` is a string or items (messages with \`input_text\`/\`input_image\`, \`function_call\`, \`function_call_output\`, \`item_reference\`); function \`tools\` only. With \`store\` (default true) the response is kept per tenant for RESPONSES_TTL_SECONDS for \`previous_response_id\`, GET and DELETE. A field the gateway cannot honour (built-in tools, \`background\`, …) is a 400 naming it. ${ROUTING_HEADERS}`,
    requestBody: named('ResponsesRequest', responsesRequestSchema),
    responses: [
      {
        status: 200,
        description: 'The response (JSON), or with `stream: true` its server-sent events',
        body: named('Response', responseObjectSchema),
        stream: named('ResponseStreamEvent', responseStreamEventSchema),
      },
    ],
    errors: ROUTED_ERRORS,
  },
  {
    method: 'get',
    path: '/v1/responses/{id}',
    tag: 'OpenAI',
    auth: 'client',
    summary: 'A stored response',
    description: "Only the calling tenant's responses; another tenant's id is a 404.",
    pathParams: { id: 'response id (resp_…)' },
    responses: [
      { status: 200, description: 'The response', body: named('Response', responseObjectSchema) },
    ],
    errors: [401, 404, 503],
  },
  {
    method: 'delete',
    path: '/v1/responses/{id}',
    tag: 'OpenAI',
    auth: 'client',
    summary: 'Delete a stored response',
    description: "Only the calling tenant's responses; another tenant's id is a 404.",
    pathParams: { id: 'response id (resp_…)' },
    responses: [
      {
        status: 200,
        description: 'Deleted',
        body: named('ResponseDeleted', responseDeletedSchema),
      },
    ],
    errors: [401, 404, 503],
  },
  {
    method: 'post',
    path: '/v1/embeddings',
    tag: 'OpenAI',
    auth: 'client',
    summary: 'Embeddings, routed with failover',
    description: ROUTING_HEADERS,
    requestBody: named('EmbeddingsRequest', embeddingsRequestSchema),
    responses: [
      {
        status: 200,
        description: 'One vector per input',
        body: named('EmbeddingsResponse', embeddingsResponseSchema),
      },
    ],
    errors: ROUTED_ERRORS,
  },
  {
    method: 'get',
    path: '/v1/models',
    tag: 'OpenAI',
    auth: 'client',
    summary: 'Every routable model',
    description:
      "Route aliases (`owned_by: gateway`) and the providers' models; a key with an allow-list sees only its models.",
    responses: [{ status: 200, description: 'Models', body: named('ModelList', modelListSchema) }],
    errors: [401],
  },
  {
    method: 'get',
    path: '/v1/models/{id}',
    tag: 'OpenAI',
    auth: 'client',
    summary: 'One model',
    pathParams: { id: 'model id or alias' },
    responses: [{ status: 200, description: 'The model', body: named('Model', modelSchema) }],
    errors: [401, 404],
  },
];
