import type { ChatCompletion } from '@app/contracts';

/** What Fastify sends with an object body; a pre-serialized body must say it itself. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

const texts = new WeakMap<ChatCompletion, string>();

/**
 * A cached completion's JSON text, serialized once per cached object rather than once per hit.
 * The in-memory store hands every hit the same read-only object, so from the second hit on the
 * body is a lookup (the text is what Fastify's own `JSON.stringify` would send). A store that
 * deserializes (Redis) returns a new object per hit: serialized once, as before.
 */
export function cachedCompletionJson(completion: ChatCompletion): string {
  let text = texts.get(completion);
  if (text === undefined) {
    text = JSON.stringify(completion);
    texts.set(completion, text);
  }
  return text;
}
