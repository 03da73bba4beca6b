import type { Dispatcher, Pool as UndiciPool } from 'undici';

/**
 * undici's `Pool` class and its `request` API alone. `require('undici')` evaluates the whole
 * package (its fetch, web streams, cache storage, WebSocket, EventSource: ~1.8 MB more heap and
 * ~5 MB more RSS, measured with `process.memoryUsage()` around each require), none of which the
 * gateway uses. That index is also what adds `request`, `stream`… to every dispatcher's prototype,
 * so without it a pool has no `request` method: call it as `requestOn(pool, options)`.
 * The types are the package's own.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- deep paths, typed from the package's own declarations */
export const Pool = require('undici/lib/dispatcher/pool') as typeof UndiciPool;
export type Pool = UndiciPool;
const apiRequest = require('undici/lib/api/api-request') as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;
/* eslint-enable @typescript-eslint/no-require-imports */

/** undici's `dispatcher.request(options)`: the response, its body a stream. */
export function requestOn(
  pool: Pool,
  options: Dispatcher.RequestOptions,
): Promise<Dispatcher.ResponseData> {
  return apiRequest.call(pool, options);
}
