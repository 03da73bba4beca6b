import { fakeInstanceOf } from './fake-json-schema';

/** The parts of an OpenAI chat body the answer depends on. */
export interface OpenAIAnswerBody {
  messages?: { role?: string; content?: unknown }[];
  response_format?: { type?: string; json_schema?: { schema?: Record<string, unknown> } };
}

/** The reply as the model would give it: JSON under `response_format`, the text otherwise. */
export function answerText(body: OpenAIAnswerBody, reply: string): string {
  const format = body.response_format;
  if (format?.type === 'json_object') return JSON.stringify(fakeInstanceOf(undefined, reply));
  if (format?.type === 'json_schema')
    return JSON.stringify(fakeInstanceOf(format.json_schema?.schema, reply));
  return reply;
}

/**
 * OpenAI's documented 400 for JSON mode without the word "json" in the conversation, in its
 * `{"error": {...}}` envelope, or undefined when the request is fine.
 */
export function jsonModeProblem(body: OpenAIAnswerBody): object | undefined {
  if (body.response_format?.type !== 'json_object') return undefined;
  if (/json/i.test(JSON.stringify(body.messages ?? []))) return undefined;
  return {
    error: {
      message:
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
      type: 'invalid_request_error',
      param: 'messages',
      code: null,
    },
  };
}

const SAFE = { filtered: false, severity: 'safe' };

/** Azure OpenAI's per-choice content-filter annotation. */
export function contentFilterResults() {
  return { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
}

/** Azure OpenAI's prompt annotation, on completions and on a stream's first frame. */
export function promptFilterResults() {
  return [{ prompt_index: 0, content_filter_results: contentFilterResults() }];
}

/** The frame an Azure stream opens with: no id, no model, no choices, only the prompt's annotation. */
export function promptFilterFrame() {
  return {
    choices: [],
    created: 0,
    id: '',
    model: '',
    object: '',
    prompt_filter_results: promptFilterResults(),
  };
}
