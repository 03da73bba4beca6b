import { createHash } from 'node:crypto';
import type { ChatCompletionRequest } from '@app/contracts';

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

/** sha256 of the normalized request, scoped by tenant so answers never cross tenants. */
export function cacheKeyFor(request: ChatCompletionRequest, scope: string): string {
  const relevant: Record<string, unknown> = {};
  for (const key of Object.keys(request)) {
    if (!IGNORED_FIELDS.has(key) && request[key] !== null) relevant[key] = request[key];
  }
  return `${scope}:${createHash('sha256').update(stableJson(relevant)).digest('hex')}`;
}
