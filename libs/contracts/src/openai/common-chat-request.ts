import {
  integerIn,
  isBoolean,
  isString,
  nullable,
  numberIn,
  objectOf,
  stringOfLength,
  type Check,
} from '../proven-valid/field-checks';
import { REQUEST_LIMITS } from './request-limits';

/**
 * Proves a chat body valid without running `chatCompletionRequestSchema`, for the bodies most
 * clients send: a model, plain-text messages and the common sampling fields. It answers true only
 * when the schema would accept the body and hand back the same fields and values (the schema has
 * no defaults or transforms); anything it does not know (content parts, tools, a field outside
 * the list below, a value out of range) answers false, and the schema decides and words the
 * error. Written by hand because zod's generic parsers are shared by every schema in the process:
 * in the gateway a chat body cost many times what it costs to validate in a process that parses
 * nothing else (2.2 µs), a large share of a cache hit. `common-chat-request.spec.ts` holds it to
 * the schema: whatever it accepts, the schema accepts unchanged.
 */
export function isCommonChatRequest(body: Record<string, unknown>): boolean {
  return commonChatRequest(body);
}

/** `stop`: a string or up to 4 strings. */
const stop: Check = (value) =>
  typeof value === 'string' ||
  (Array.isArray(value) && value.length <= 4 && value.every((item) => typeof item === 'string'));

/** `stream_options` with only the two documented flags (the schema keeps other keys too). */
const streamOptions = objectOf({ include_usage: isBoolean, include_obfuscation: isBoolean });

/**
 * Each message's allowed keys, by role: the schema's message objects are strict. Content is
 * optional only for the assistant; a tool result names its call.
 */
const textMessage = { role: isString, content: isString, name: isString };
const MESSAGE_BY_ROLE = new Map<unknown, Check>([
  ['system', objectOf(textMessage, ['content'])],
  ['developer', objectOf(textMessage, ['content'])],
  ['user', objectOf(textMessage, ['content'])],
  ['assistant', objectOf({ ...textMessage, content: nullable(isString) })],
  [
    'tool',
    objectOf({ ...textMessage, tool_call_id: stringOfLength(1, Infinity) }, [
      'content',
      'tool_call_id',
    ]),
  ],
]);

function isPlainMessage(message: unknown): boolean {
  const check = MESSAGE_BY_ROLE.get((message as { role?: unknown } | null)?.role);
  return check !== undefined && check(message);
}

const messages: Check = (value) =>
  Array.isArray(value) &&
  value.length >= 1 &&
  value.length <= REQUEST_LIMITS.maxMessages &&
  value.every(isPlainMessage);

const modelName = stringOfLength(1, REQUEST_LIMITS.maxModelNameLength);

/** The top-level fields this check knows, each with the schema's own rule. */
const commonChatRequest = objectOf(
  {
    model: modelName,
    messages,
    temperature: nullable(numberIn(0, 2)),
    top_p: nullable(numberIn(0, 1)),
    frequency_penalty: nullable(numberIn(-2, 2)),
    presence_penalty: nullable(numberIn(-2, 2)),
    max_tokens: nullable(integerIn(1)),
    max_completion_tokens: nullable(integerIn(1)),
    n: nullable(integerIn(1, 128)),
    seed: nullable(integerIn(Number.MIN_SAFE_INTEGER)),
    stop: nullable(stop),
    stream: nullable(isBoolean),
    stream_options: nullable(streamOptions),
    logprobs: nullable(isBoolean),
    top_logprobs: nullable(integerIn(0, 20)),
    parallel_tool_calls: nullable(isBoolean),
    store: nullable(isBoolean),
    user: isString,
    service_tier: nullable(isString),
    reasoning_effort: nullable(isString),
    verbosity: nullable(isString),
    prompt_cache_key: nullable(isString),
    safety_identifier: nullable(isString),
    provider: modelName,
  },
  ['model', 'messages'],
);
