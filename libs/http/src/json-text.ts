/** What Fastify sends with an object body; a body sent as JSON text must say it itself. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The JSON text of objects the gateway sends on unchanged, so each is serialized at most once:
 * an OpenAI-compatible upstream's completion (parsed for its usage, then forwarded: the client
 * gets the upstream's own text) and a cached completion served on every hit. Objects kept here
 * are read-only from then on; a WeakMap, so the text goes when its object does.
 */
const texts = new WeakMap<object, string>();

/** Parses an answer and keeps its text as the answer's JSON (see `jsonTextOf`). */
export function parseKeepingJsonText<T>(text: string): T {
  const value = JSON.parse(text) as T;
  if (typeof value === 'object' && value !== null) texts.set(value, text);
  return value;
}

/** The text `value` was parsed from, else its `JSON.stringify`, kept for the next call. */
export function jsonTextOf(value: object): string {
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}
