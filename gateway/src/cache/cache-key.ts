import { hash } from 'node:crypto';
import { anthropicRequestOf, type ChatCompletionRequest } from '@app/contracts';

/**
 * Fields that do not change the answer: how it is delivered (`stream`, `stream_options`), who
 * asked (`user`, `safety_identifier`), bookkeeping (`metadata`, `store`, `service_tier`,
 * `prompt_cache_key`) and the gateway's own cache options. Everything else is part of the key.
 */
const IGNORED_FIELDS = new Set([
  'stream',
  'stream_options',
  'user',
  'safety_identifier',
  'metadata',
  'store',
  'service_tier',
  'prompt_cache_key',
  'cache',
]);

/**
 * The same rule for an Anthropic client's body (`/v1/messages`): delivery (`stream`), who asked
 * (`metadata`) and how Anthropic schedules it (`service_tier`, `diagnostics`) do not change the
 * answer.
 */
const IGNORED_ANTHROPIC_FIELDS = new Set(['stream', 'metadata', 'service_tier', 'diagnostics']);

/**
 * A copy of `value` whose objects list their keys in sorted order (undefined values left out),
 * so its JSON is the same text for `{a,b}` and `{b,a}`. One `JSON.stringify` of the copy instead
 * of one per key and value joined by hand: 1.5× faster for a chat body (V8 still lists
 * integer-like keys first, in numeric order, which is as canonical).
 */
function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index += 1) items[index] = sortedCopy(value[index]);
    return items;
  }
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source).sort();
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    const field = source[key];
    if (field !== undefined) copy[key] = sortedCopy(field);
  }
  return copy;
}

/**
 * sha256 of the normalized request, scoped by tenant so answers never cross tenants. A request
 * from an Anthropic client is keyed on its own body and `anthropic-*` headers, not on the
 * translation, which may leave out what makes two requests differ (cache markers aside, an
 * Anthropic target sees all of it).
 */
export function cacheKeyFor(request: ChatCompletionRequest, scope: string): string {
  const native = anthropicRequestOf(request);
  const relevant = native
    ? { anthropic: relevantFields(native.body, IGNORED_ANTHROPIC_FIELDS), headers: native.headers }
    : relevantFields(request, IGNORED_FIELDS);
  return `${scope}:${hash('sha256', JSON.stringify(sortedCopy(relevant)))}`;
}

function relevantFields(
  body: Readonly<Record<string, unknown>>,
  ignored: ReadonlySet<string>,
): Record<string, unknown> {
  const relevant: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    if (!ignored.has(key) && body[key] !== null) relevant[key] = body[key];
  }
  return relevant;
}
