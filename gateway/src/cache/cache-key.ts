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

/** JSON with sorted object keys at every level, so `{a,b}` and `{b,a}` hash alike. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
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
  return `${scope}:${hash('sha256', stableJson(relevant))}`;
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
