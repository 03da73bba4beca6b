import { rejectsSeveralChoices, type FieldTable } from '../shared/field-support';

/**
 * Every OpenAI chat field and what the local llama.cpp engine does with it (see
 * `libs/inference/src/chat/generation-settings.ts`). Absent fields are rejected too, so a new
 * OpenAI field is never dropped silently.
 */
export const LOCAL_FIELDS: FieldTable = {
  model: { handledBy: 'the worker serves one chat model' },
  messages: { translatedTo: 'chat history rendered by the GGUF chat template' },
  max_tokens: { translatedTo: 'maxTokens' },
  max_completion_tokens: { translatedTo: 'maxTokens' },
  temperature: { translatedTo: 'temperature' },
  top_p: { translatedTo: 'topP' },
  seed: { translatedTo: 'seed' },
  stop: { translatedTo: 'customStopTriggers' },
  stream: { handledBy: 'stream jobs (chunks over a Redis Stream per job)' },
  stream_options: { handledBy: 'usage chunk from the engine token counts' },
  response_format: { translatedTo: 'grammar (json_object, json_schema)' },
  user: { handledBy: 'not needed by a local model' },
  provider: { handledBy: 'gateway routing' },
  cache: { handledBy: 'gateway cache' },
  n: {
    translatedTo: 'single choice',
    rejects: rejectsSeveralChoices,
    unsupported: 'n > 1 (one choice per request)',
  },
  tools: {
    translatedTo: 'a JSON grammar of the tools (constrained decoding), answered as tool_calls',
  },
  tool_choice: {
    translatedTo: 'none → plain text; auto → text or calls; required or a named tool → calls',
  },
  parallel_tool_calls: { translatedTo: 'false → at most one call (the grammar)' },
  functions: { unsupported: 'no function calling in the local engine' },
  function_call: { unsupported: 'no function calling in the local engine' },
  logprobs: { unsupported: 'no token log probabilities' },
  top_logprobs: { unsupported: 'no token log probabilities' },
  logit_bias: { unsupported: 'no logit bias' },
  presence_penalty: { unsupported: 'no presence penalty' },
  frequency_penalty: { unsupported: 'no frequency penalty' },
  audio: { unsupported: 'no audio output' },
  modalities: { unsupported: 'text output only' },
  prediction: { unsupported: 'no predicted outputs' },
  web_search_options: { unsupported: 'no web search' },
  reasoning_effort: { unsupported: 'no reasoning effort control' },
  verbosity: { unsupported: 'no verbosity control' },
  store: { unsupported: 'no stored completions' },
  metadata: { unsupported: 'no stored-completion metadata' },
  service_tier: { unsupported: 'no service tiers' },
};
