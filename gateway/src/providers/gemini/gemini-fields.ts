import { OPENAI_ONLY_FIELDS, type FieldTable } from '../shared/field-support';
import { rejectsUnknownEffort } from '../shared/reasoning-effort';

/** Every OpenAI chat field and what the Gemini adapter does with it; unknown fields are rejected. */
export const GEMINI_FIELDS: FieldTable = {
  ...OPENAI_ONLY_FIELDS,
  model: { translatedTo: 'model' },
  messages: { translatedTo: 'contents (assistant→model, system/developer→systemInstruction)' },
  max_tokens: { translatedTo: 'generationConfig.maxOutputTokens' },
  max_completion_tokens: { translatedTo: 'generationConfig.maxOutputTokens' },
  temperature: { translatedTo: 'generationConfig.temperature' },
  top_p: { translatedTo: 'generationConfig.topP' },
  n: { translatedTo: 'generationConfig.candidateCount' },
  seed: { translatedTo: 'generationConfig.seed' },
  presence_penalty: { translatedTo: 'generationConfig.presencePenalty' },
  frequency_penalty: { translatedTo: 'generationConfig.frequencyPenalty' },
  stop: { translatedTo: 'generationConfig.stopSequences' },
  response_format: {
    translatedTo:
      'generationConfig.responseMimeType application/json (json_object), + responseJsonSchema (json_schema)',
  },
  stream: { handledBy: 'streamGenerateContent?alt=sse' },
  stream_options: { handledBy: 'usage chunk built from usageMetadata' },
  tools: { translatedTo: 'tools[].functionDeclarations' },
  tool_choice: {
    translatedTo:
      'toolConfig.functionCallingConfig (auto/none/required→ANY/named→allowedFunctionNames)',
  },
  parallel_tool_calls: {
    handledBy: 'Gemini decides; parallel calls are its default',
    rejects: (value) => value === false,
    unsupported: 'parallel_tool_calls=false (Gemini cannot turn parallel calls off)',
  },
  user: { handledBy: 'not sent: Gemini has no end-user id field' },
  logprobs: { unsupported: 'log probabilities are not translated' },
  top_logprobs: { unsupported: 'log probabilities are not translated' },
  reasoning_effort: {
    translatedTo:
      'generationConfig.thinkingConfig: thinkingLevel (Gemini 3+) or thinkingBudget (2.5), includeThoughts',
    rejects: rejectsUnknownEffort,
    unsupported: 'reasoning_effort other than none, minimal, low, medium, high, xhigh',
  },
};
