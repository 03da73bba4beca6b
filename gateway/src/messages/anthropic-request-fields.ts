/**
 * What the translation to the internal request (OpenAI Chat Completions) does with each
 * top-level field of an Anthropic Messages request. Anthropic targets get the body as it came
 * (pass-through) and honour everything; for every other target:
 * - `translatedTo`: becomes the named internal field, which each adapter translates or rejects
 *   with its own field table (so a target that cannot honour it leaves the chain);
 * - `hint`: dropped on purpose: it tunes how Anthropic serves the request (caching, service
 *   tier, speed) and asks the model for nothing;
 * - `anthropicOnly`: no other provider can honour it, so a request that uses it is served by
 *   Anthropic only (none configured → a 400 naming the field).
 * docs/providers.md holds the same table; the spec checks that it covers every schema field.
 */
export type AnthropicFieldRule =
  { translatedTo: string } | { hint: string } | { anthropicOnly: string };

export const ANTHROPIC_REQUEST_FIELDS: Readonly<Record<string, AnthropicFieldRule>> = {
  model: { translatedTo: 'model (route aliases, provider/model and Claude ids route as usual)' },
  max_tokens: { translatedTo: 'max_tokens' },
  messages: { translatedTo: 'messages (blocks: see the block table)' },
  system: { translatedTo: 'a system message (text blocks joined)' },
  stop_sequences: { translatedTo: 'stop' },
  stream: { translatedTo: 'stream' },
  temperature: { translatedTo: 'temperature (same value: Anthropic 0–1 is within OpenAI 0–2)' },
  top_p: { translatedTo: 'top_p' },
  top_k: { anthropicOnly: 'no top-k sampling in the other providers’ APIs' },
  metadata: { translatedTo: 'user (metadata.user_id)' },
  tools: { translatedTo: 'tools (custom tools; server tools are Anthropic-only)' },
  tool_choice: {
    translatedTo:
      'tool_choice (auto, any→required, tool→function, none); disable_parallel_tool_use → parallel_tool_calls: false',
  },
  thinking: {
    translatedTo:
      'reasoning_effort (enabled: budget < 4096 low, < 16384 medium, else high; adaptive: output_config.effort, else medium); disabled: nothing',
  },
  output_config: {
    translatedTo:
      'format → response_format json_schema (strict); effort → reasoning_effort with thinking on, a hint without',
  },
  output_format: { translatedTo: 'response_format json_schema (strict)' },
  service_tier: { hint: 'Anthropic capacity tier' },
  speed: { hint: 'Anthropic fast mode' },
  cache_control: { hint: 'prompt caching marker' },
  diagnostics: { hint: 'prompt-cache diagnostics' },
  container: { anthropicOnly: 'Anthropic code-execution containers' },
  context_management: {
    hint: 'Anthropic prunes old tool results and thinking server-side; a translated request sends the whole conversation',
  },
  mcp_servers: { anthropicOnly: 'Anthropic MCP connector' },
  compaction: { anthropicOnly: 'Anthropic server-side compaction' },
  thread: { anthropicOnly: 'Anthropic server-held conversation state' },
  fallbacks: { anthropicOnly: 'Anthropic server-side model fallbacks' },
  fallback_credit_token: { anthropicOnly: 'Anthropic fallback credit' },
  billing_policy: { anthropicOnly: 'Anthropic user-profile billing' },
  inference_geo: { anthropicOnly: 'where Anthropic runs inference (data residency)' },
};

/**
 * Internal field names in errors, as the Anthropic client knows them: an adapter rejecting
 * `reasoning_effort` is rejecting the client's `thinking`.
 */
export const ANTHROPIC_NAME_OF_INTERNAL_FIELD: Readonly<Record<string, string>> = {
  reasoning_effort: 'thinking',
  stop: 'stop_sequences',
  user: 'metadata.user_id',
  response_format: 'output_config.format',
  parallel_tool_calls: 'tool_choice.disable_parallel_tool_use',
  max_completion_tokens: 'max_tokens',
  'messages[].content[].type=image_url': 'image',
  'messages[].content[].type=file': 'document',
  'image_url.url': 'image.source.url',
};
