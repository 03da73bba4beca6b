import {
  integerIn,
  isBoolean,
  isString,
  numberIn,
  objectOf,
  stringOfLength,
  type Check,
} from '../proven-valid/field-checks';
import { REQUEST_LIMITS } from '../openai/request-limits';
import { ANTHROPIC_MAX_MESSAGES } from './messages-request.schema';

/**
 * The Messages API's counterpart of `isCommonChatRequest`: proves a `POST /v1/messages` body
 * valid without running `anthropicMessagesRequestSchema`, for the bodies the Anthropic SDKs send
 * for a plain conversation: a model, `max_tokens`, messages whose content is a string or text
 * blocks, a system prompt of the same kind, and the sampling fields. True only when the schema
 * would accept the body and return the same fields and values; anything else (images, tools,
 * tool results, thinking, cache markers, an unknown field) goes to the schema, which decides and
 * words the error. `common-messages-request.spec.ts` holds it to the schema.
 */
export function isCommonMessagesRequest(body: Record<string, unknown>): boolean {
  return commonMessagesRequest(body);
}

/** `{type: 'text', text}` and nothing else (a cache marker or citations go to the schema). */
const textBlock = objectOf({ type: (value) => value === 'text', text: isString }, ['type', 'text']);

/** A string, or a list of text blocks: a message's content and the system prompt alike. */
const textContent: Check = (value) =>
  typeof value === 'string' || (Array.isArray(value) && value.every(textBlock));

/** `{role, content}`, strict as the schema's message is. */
const message = objectOf(
  { role: (value) => value === 'user' || value === 'assistant', content: textContent },
  ['role', 'content'],
);

const messages: Check = (value) =>
  Array.isArray(value) &&
  value.length >= 1 &&
  value.length <= ANTHROPIC_MAX_MESSAGES &&
  value.every(message);

/** The top-level fields this check knows, each with the schema's own rule. */
const commonMessagesRequest = objectOf(
  {
    model: stringOfLength(1, REQUEST_LIMITS.maxModelNameLength),
    max_tokens: integerIn(1),
    messages,
    system: textContent,
    stop_sequences: (value) => Array.isArray(value) && value.every(isString),
    stream: isBoolean,
    temperature: numberIn(0, 1),
    top_p: numberIn(0, 1),
    top_k: integerIn(0),
    // With at most its documented `user_id` (the schema keeps other keys too).
    metadata: objectOf({ user_id: (value) => value === null || isString(value) }),
    service_tier: (value) => value === 'auto' || value === 'standard_only',
  },
  ['model', 'max_tokens', 'messages'],
);
