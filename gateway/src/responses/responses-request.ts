import {
  GatewayError,
  type ChatCompletionRequest,
  type ChatMessage,
  type ResponseFormat,
  type ResponsesRequest,
  type ToolChoice,
} from '@app/contracts';

/**
 * The internal chat request a Responses API request amounts to, so routing, failover, breakers,
 * cache, limits, usage and cost are exactly chat's. `messages` is the whole conversation
 * (instructions, the stored turns of `previous_response_id`, this input). What only the
 * Responses API has — `store`, `metadata`, `previous_response_id` — the gateway itself honours
 * and does not send; every other field maps to its chat twin, which each provider honours or
 * refuses by its field table (the 400 then names the Responses field, see `responsesParam`).
 */
export function chatRequestFor(
  request: ResponsesRequest,
  messages: ChatMessage[],
  stream: boolean,
): ChatCompletionRequest {
  const chat: ChatCompletionRequest = { model: request.model, messages };
  const set = <K extends keyof ChatCompletionRequest>(field: K, value: unknown) => {
    if (value !== undefined && value !== null) chat[field] = value as ChatCompletionRequest[K];
  };
  if (request.tools?.length)
    chat.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description ? { description: tool.description } : {}),
        ...(tool.parameters ? { parameters: tool.parameters } : {}),
        ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
      },
    }));
  set('tool_choice', toolChoiceOf(request.tool_choice));
  set('parallel_tool_calls', request.parallel_tool_calls);
  set('response_format', responseFormatOf(request.text?.format));
  set('reasoning_effort', request.reasoning?.effort);
  set('max_completion_tokens', request.max_output_tokens);
  set('temperature', request.temperature);
  set('top_p', request.top_p);
  set('user', request.user);
  set('safety_identifier', request.safety_identifier);
  set('prompt_cache_key', request.prompt_cache_key);
  set('service_tier', request.service_tier);
  set('provider', request.provider);
  set('cache', request.cache);
  if (stream) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  return chat;
}

function toolChoiceOf(choice: ResponsesRequest['tool_choice']): ToolChoice | undefined {
  if (choice === undefined || typeof choice === 'string') return choice;
  return { type: 'function', function: { name: choice.name } };
}

function responseFormatOf(
  format: NonNullable<ResponsesRequest['text']>['format'],
): ResponseFormat | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  return {
    type: 'json_schema',
    json_schema: {
      name: format.name,
      schema: format.schema,
      ...(format.description ? { description: format.description } : {}),
      ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}),
    },
  };
}

/** Chat field → the Responses API field a client sent it as. */
const RESPONSES_FIELD: Readonly<Record<string, string>> = {
  messages: 'input',
  max_completion_tokens: 'max_output_tokens',
  response_format: 'text.format',
  reasoning_effort: 'reasoning.effort',
};

/**
 * A 400 raised on the chat request (a field a provider cannot honour), renamed to the field the
 * client actually sent, so the error names its own parameter.
 */
export function responsesParam(error: unknown): unknown {
  if (!(error instanceof GatewayError) || !error.param) return error;
  const head = error.param.split(/[.[]/)[0];
  const renamed = RESPONSES_FIELD[head];
  if (!renamed) return error;
  const param = renamed + error.param.slice(head.length);
  return new GatewayError(
    error.status,
    error.message.split(`'${error.param}'`).join(`'${param}'`),
    error.type,
    error.code,
    param,
    error.details,
    error.headers,
  );
}
