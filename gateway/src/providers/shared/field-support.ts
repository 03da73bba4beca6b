import { GatewayError, type ChatCompletionRequest } from '@app/contracts';

/**
 * How one provider treats one OpenAI request field. Tables of these rules answer "which fields
 * does Gemini drop?" by reading, let tests walk every field, and feed docs/providers.md.
 */
export type FieldRule =
  /** Translated to the named provider field(s). */
  | { translatedTo: string }
  /** Not sent upstream on purpose (e.g. `stream`, handled by the adapter itself). */
  | { handledBy: string }
  /** Always rejected: the provider cannot honour it. */
  | { unsupported: string }
  /** Translated for most values; rejected when `rejects(value)` is true. */
  | { translatedTo: string; rejects: (value: unknown) => boolean; unsupported: string };

export type FieldTable = Readonly<Record<string, FieldRule>>;

/** Values that mean "the OpenAI default": sending them asks for nothing a provider must honour. */
function isDefaultValue(value: unknown): boolean {
  return value === undefined || value === null || value === false || value === 0;
}

/**
 * Throws `GatewayError.unsupportedField` for the first field the table rejects, or for a field the
 * table does not know: a field nobody translated must never be dropped silently.
 */
export function assertFieldsSupported(
  provider: string,
  table: FieldTable,
  request: ChatCompletionRequest,
): void {
  for (const [field, value] of Object.entries(request)) {
    if (value === undefined || value === null) continue;
    const rule = table[field];
    if (!rule) throw GatewayError.unsupportedField(provider, field);
    if ('rejects' in rule) {
      if (rule.rejects(value)) throw GatewayError.unsupportedField(provider, field);
    } else if ('unsupported' in rule && !isDefaultValue(value)) {
      throw GatewayError.unsupportedField(provider, field);
    }
  }
  const openAIOnly = openAIOnlyStructure(request);
  if (openAIOnly) throw GatewayError.unsupportedField(provider, openAIOnly);
}

/**
 * The first structure inside an accepted field that only OpenAI's wire format has, by its
 * parameter path: free-form ("custom") tools and their calls, `allowed_tools` choices, and an
 * assistant turn's audio (a reference to audio only OpenAI holds). Translating adapters are
 * written for function tools; these would otherwise reach them unread.
 */
function openAIOnlyStructure(request: ChatCompletionRequest): string | undefined {
  const tools = request.tools ?? [];
  const tool = tools.findIndex((entry) => (entry as { type?: string }).type !== 'function');
  if (tool >= 0) return `tools[${tool}].type`;
  const choice = request.tool_choice;
  if (choice && typeof choice === 'object' && (choice as { type?: string }).type !== 'function')
    return 'tool_choice.type';
  for (const [index, message] of request.messages.entries()) {
    if (message.role !== 'assistant') continue;
    const calls = message.tool_calls ?? [];
    const call = calls.findIndex((entry) => (entry as { type?: string }).type !== 'function');
    if (call >= 0) return `messages[${index}].tool_calls[${call}].type`;
    if (message.audio) return `messages[${index}].audio`;
  }
  return undefined;
}

/** Fields a table rejects in every case or for some values, with the reason (for docs and tests). */
export function rejectedFields(
  table: FieldTable,
): { field: string; reason: string; always: boolean }[] {
  return Object.entries(table)
    .filter(([, rule]) => 'unsupported' in rule)
    .map(([field, rule]) => ({
      field,
      reason: (rule as { unsupported: string }).unsupported,
      always: !('rejects' in rule),
    }));
}

/** `n` above one asks for several choices, which single-choice providers cannot give. */
export const rejectsSeveralChoices = (value: unknown): boolean =>
  typeof value === 'number' && value > 1;

/**
 * OpenAI-only features no other wire format has: every non-OpenAI field table spreads these in
 * and lists only what differs, so "what does X reject?" is still one table per provider.
 */
export const OPENAI_ONLY_FIELDS: FieldTable = {
  logit_bias: { unsupported: 'no logit bias' },
  audio: { unsupported: 'no audio output' },
  modalities: { unsupported: 'text output only' },
  prediction: { unsupported: 'no predicted outputs' },
  web_search_options: { unsupported: 'no OpenAI web search' },
  store: { unsupported: 'no stored completions' },
  metadata: { unsupported: 'no stored-completion metadata' },
  service_tier: { unsupported: 'OpenAI service tiers' },
  verbosity: { unsupported: 'no verbosity control' },
  functions: { unsupported: 'legacy functions (use tools)' },
  function_call: { unsupported: 'legacy function_call (use tool_choice)' },
  prompt_cache_key: { unsupported: "OpenAI's prompt-cache routing key" },
  prompt_cache_retention: { unsupported: "OpenAI's prompt-cache retention" },
  prompt_cache_options: { unsupported: "OpenAI's prompt-cache options" },
  moderation: { unsupported: "OpenAI's moderation options" },
};
