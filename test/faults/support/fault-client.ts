/** Small HTTP helpers for fault tests: every call is timed, nothing is retried. */

export interface TimedAnswer {
  status: number;
  json: Record<string, any>;
  text: string;
  ms: number;
}

export async function timedCall(
  url: string,
  options: { method?: string; key?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<TimedAnswer> {
  const started = Date.now();
  const headers: Record<string, string> = {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  });
  const text = await response.text();
  let json: Record<string, any> = {};
  try {
    json = JSON.parse(text) as Record<string, any>;
  } catch {
    // SSE or plain text: callers read `text`.
  }
  return { status: response.status, json, text, ms: Date.now() - started };
}

/** A chat body whose prompt is unique, so no cache can answer it. */
export function uniqueChat(extra: Record<string, unknown> = {}) {
  return {
    model: 'default',
    messages: [{ role: 'user', content: `fault probe ${Math.random()}` }],
    ...extra,
  };
}

export const sleep = (milliseconds: number) =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

/**
 * Prints one measured fault timing (`[fault] what: 1234 ms`) beside the test results, so a run
 * of the fault suite reports its numbers, not only pass or fail.
 */
export function reportTiming(what: string, milliseconds: number): void {
  process.stderr.write(`[fault] ${what}: ${Math.round(milliseconds)} ms\n`);
}
