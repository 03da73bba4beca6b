import {
  rejectsSeveralChoices,
  type FieldTable,
  OPENAI_ONLY_FIELDS,
} from '../shared/field-support';
import { rejectsUnknownEffort } from '../shared/reasoning-effort';

/**
 * Every OpenAI chat field and what the Bedrock (Converse API) adapter does with it. Fields absent
 * from this table are rejected too (see `assertFieldsSupported`), so a new OpenAI field is never
 * dropped.
 */
export const BEDROCK_FIELDS: FieldTable = {
  ...OPENAI_ONLY_FIELDS,
  model: { translatedTo: 'modelId' },
  messages: { translatedTo: 'messages + system (system/developer lifted into system blocks)' },
  max_tokens: { translatedTo: 'inferenceConfig.maxTokens' },
  max_completion_tokens: { translatedTo: 'inferenceConfig.maxTokens' },
  temperature: { translatedTo: 'inferenceConfig.temperature' },
  top_p: { translatedTo: 'inferenceConfig.topP' },
  stop: { translatedTo: 'inferenceConfig.stopSequences' },
  stream: { handledBy: 'ConverseStream (AWS event stream)' },
  stream_options: { handledBy: 'usage chunk built from the metadata event' },
  tools: { translatedTo: 'toolConfig.tools[].toolSpec' },
  tool_choice: {
    translatedTo: 'toolConfig.toolChoice (auto→auto, required→any, function→tool)',
    // Converse has no "none": dropping the tools would break histories that hold tool blocks.
    rejects: (value) => value === 'none',
    unsupported: "tool_choice 'none' (Converse has no way to forbid tool use)",
  },
  parallel_tool_calls: {
    translatedTo: 'always allowed (the Converse default)',
    rejects: (value) => value === false,
    unsupported: 'parallel_tool_calls=false (Converse cannot disable parallel tool use)',
  },
  user: { handledBy: 'not sent: Converse has no end-user id field' },
  response_format: {
    translatedTo:
      'the json_response tool (toolConfig, forced where the model allows), its input answered as content',
  },
  n: {
    translatedTo: 'single choice',
    rejects: rejectsSeveralChoices,
    unsupported: 'n > 1 (one choice per call)',
  },
  reasoning_effort: {
    translatedTo:
      'Claude models: additionalModelRequestFields.thinking (+ outputConfig.effort on Claude 4.6+); other models: 400',
    rejects: rejectsUnknownEffort,
    unsupported: 'reasoning_effort other than none, minimal, low, medium, high, xhigh',
  },
  logprobs: { unsupported: 'no token log probabilities' },
  top_logprobs: { unsupported: 'no token log probabilities' },
  presence_penalty: { unsupported: 'no presence penalty in Converse inferenceConfig' },
  frequency_penalty: { unsupported: 'no frequency penalty in Converse inferenceConfig' },
  seed: { unsupported: 'no deterministic sampling seed' },
};
