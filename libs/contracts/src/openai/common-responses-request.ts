import {
  integerIn,
  isBoolean,
  isString,
  nullable,
  numberIn,
  objectOf,
  stringOfLength,
} from '../proven-valid/field-checks';
import { REQUEST_LIMITS } from './request-limits';

/**
 * The Responses API's counterpart of `isCommonChatRequest`: proves a `POST /v1/responses` body
 * valid without running `responsesRequestSchema`, for the common call: a model, the input as one
 * string (or none), instructions and the sampling fields. True only when the schema would accept
 * the body and return the same fields and values; anything else (input items, tools, text
 * formats, reasoning, metadata, an unknown field) goes to the schema, which decides and words the
 * error. `common-responses-request.spec.ts` holds it to the schema.
 */
export function isCommonResponsesRequest(body: Record<string, unknown>): boolean {
  return commonResponsesRequest(body);
}

const modelName = stringOfLength(1, REQUEST_LIMITS.maxModelNameLength);

/** The top-level fields this check knows, each with the schema's own rule. */
const commonResponsesRequest = objectOf(
  {
    model: modelName,
    input: isString,
    instructions: nullable(isString),
    previous_response_id: nullable(stringOfLength(1, 128)),
    parallel_tool_calls: nullable(isBoolean),
    max_output_tokens: nullable(integerIn(1)),
    temperature: nullable(numberIn(0, 2)),
    top_p: nullable(numberIn(0, 1)),
    store: nullable(isBoolean),
    stream: nullable(isBoolean),
    user: isString,
    safety_identifier: nullable(isString),
    prompt_cache_key: nullable(isString),
    service_tier: nullable(isString),
    provider: modelName,
  },
  ['model'],
);
