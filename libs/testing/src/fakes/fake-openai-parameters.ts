/**
 * The top-level parameters of OpenAI's `POST /v1/chat/completions` (openai 6.x's
 * `ChatCompletionCreateParams`). OpenAI refuses any other with a 400 naming it; the fake does
 * the same, so a test can prove the gateway forwarded a field rather than dropped it.
 */
const CHAT_COMPLETION_PARAMETERS = new Set([
  'messages',
  'model',
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'metadata',
  'modalities',
  'moderation',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'prompt_cache_options',
  'prompt_cache_retention',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
]);

/** OpenAI's 400 for the first parameter it does not know, or undefined when it knows them all. */
export function unknownParameterProblem(body: object): object | undefined {
  const unknown = Object.keys(body).find((field) => !CHAT_COMPLETION_PARAMETERS.has(field));
  if (unknown === undefined) return undefined;
  return {
    error: {
      message: `Unrecognized request argument supplied: ${unknown}`,
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
  };
}
