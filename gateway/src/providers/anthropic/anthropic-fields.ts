import {
  rejectsSeveralChoices,
  type FieldTable,
  OPENAI_ONLY_FIELDS,
} from '../shared/field-support';
import { rejectsUnknownEffort } from '../shared/reasoning-effort';

/**
 * Every OpenAI chat field and what the Anthropic adapter does with it. Fields absent from this
 * table are rejected too (see `assertFieldsSupported`), so a new OpenAI field is never dropped.
 */
export const ANTHROPIC_FIELDS: FieldTable = {
  ...OPENAI_ONLY_FIELDS,
  model: { translatedTo: 'model' },
  messages: { translatedTo: 'messages (system/developer lifted into system)' },
  max_tokens: { translatedTo: 'max_tokens' },
  max_completion_tokens: { translatedTo: 'max_tokens' },
  temperature: {
    translatedTo: 'temperature',
    // Anthropic's range is 0–1, OpenAI's 0–2: rescaling would change the meaning silently.
    rejects: (value) => typeof value === 'number' && value > 1,
    unsupported: 'temperature above 1 (Anthropic accepts 0–1)',
  },
  top_p: { translatedTo: 'top_p' },
  stop: { translatedTo: 'stop_sequences' },
  stream: { handledBy: 'stream: true (Messages SSE events)' },
  stream_options: { handledBy: 'usage chunk built from message_start/message_delta usage' },
  tools: { translatedTo: 'tools[].input_schema' },
  tool_choice: { translatedTo: 'tool_choice (required→any, function→tool)' },
  parallel_tool_calls: { translatedTo: 'tool_choice.disable_parallel_tool_use' },
  user: { translatedTo: 'metadata.user_id' },
  response_format: {
    translatedTo:
      'json_schema → output_config.format (Claude 4.5+); json_object, and json_schema before 4.5 → the json_response tool, answered as content',
  },
  reasoning_effort: {
    translatedTo:
      'thinking: adaptive + output_config.effort (Claude 4.6+), or enabled + budget_tokens (earlier)',
    rejects: rejectsUnknownEffort,
    unsupported: 'reasoning_effort other than none, minimal, low, medium, high, xhigh',
  },
  n: {
    translatedTo: 'single choice',
    rejects: rejectsSeveralChoices,
    unsupported: 'n > 1 (one choice per call)',
  },
  logprobs: { unsupported: 'no token log probabilities' },
  top_logprobs: { unsupported: 'no token log probabilities' },
  presence_penalty: { unsupported: 'no presence penalty' },
  frequency_penalty: { unsupported: 'no frequency penalty' },
  seed: { unsupported: 'no deterministic sampling seed' },
};
