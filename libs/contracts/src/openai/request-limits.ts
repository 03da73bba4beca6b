/**
 * Limits every request body is held to before anything else reads it. A body past them is a 400
 * naming the field: never a stack overflow in a cache key, a serializer or a provider SDK, never
 * a failure counted against a provider. The per-field limits are OpenAI's own where it has them.
 */
export const REQUEST_LIMITS = {
  /**
   * Deepest nesting of objects and arrays in a JSON body. Generous for tool schemas (OpenAI's
   * strict structured outputs allow 10 levels) and far below what recursive code can take.
   */
  maxJsonDepth: 64,
  /** Longest model name (and provider pin). */
  maxModelNameLength: 256,
  /** Most messages in one chat request (OpenAI answers "array too long" past 2048). */
  maxMessages: 2048,
  /** Most inputs in one embeddings request (OpenAI's limit). */
  maxEmbeddingInputs: 2048,
  /** OpenAI's metadata limits: 16 pairs, keys up to 64 characters, values up to 512. */
  maxMetadataPairs: 16,
  maxMetadataKeyLength: 64,
  maxMetadataValueLength: 512,
} as const;

/** How much of a client-supplied name an error message repeats: enough to recognise it. */
const MAX_ECHOED_LENGTH = 64;

/**
 * A client-supplied value for an error message, cut to a recognisable prefix: a 10 KB model
 * name is not sent back in full (nor logged in full by whoever logs the message).
 */
export function echoed(value: string): string {
  if (value.length <= MAX_ECHOED_LENGTH) return value;
  return `${value.slice(0, MAX_ECHOED_LENGTH)}… (${value.length} characters)`;
}
