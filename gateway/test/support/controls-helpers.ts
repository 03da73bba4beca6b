import type { RunningGateway } from './gateway-harness';

export const ADMIN_KEY = 'admin-test-secret';

/** Parsed JSON read loosely by tests: any path can be followed, assertions check the values. */
export interface LooseJson {
  [key: string]: LooseJson;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  json: LooseJson;
  text: string;
}

/** Any JSON call to the gateway, with an optional bearer key. */
export async function call(
  gateway: RunningGateway,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${gateway.baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let json: LooseJson = {};
  try {
    json = JSON.parse(text);
  } catch {
    // SSE or Prometheus text: callers read `text`.
  }
  return { status: response.status, headers: response.headers, json, text };
}

export const chatBody = (content = 'Say hello', extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content }],
  ...extra,
});

export function chat(
  gateway: RunningGateway,
  key: string | undefined,
  body: unknown = chatBody(),
  headers: Record<string, string> = {},
) {
  return call(gateway, 'POST', '/v1/chat/completions', { key, body, headers });
}

/** Creates a tenant through the admin API; returns its id and first key. */
export async function createTenant(
  gateway: RunningGateway,
  body: Record<string, unknown> = {},
  adminKey: string | undefined = ADMIN_KEY,
) {
  const response = await call(gateway, 'POST', '/admin/tenants', {
    key: adminKey,
    body: { name: 'acme', ...body },
  });
  if (response.status !== 201)
    throw new Error(`tenant not created: ${response.status} ${response.text}`);
  return {
    id: String(response.json.id),
    key: String(response.json.api_key.key),
    keyId: String(response.json.api_key.id),
    body: response.json,
  };
}

/** The text of every `data:` event of an SSE body, `[DONE]` excluded. */
export function sseEvents(text: string): LooseJson[] {
  return text
    .split('\n\n')
    .map((event) => event.replace(/^data: /, '').trim())
    .filter((data) => data && data !== '[DONE]')
    .map((data) => JSON.parse(data));
}

/** The value of one sample in Prometheus text (0 when absent). Labels must match exactly. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = (match[2] ?? '')
      .split(/,(?=[a-zA-Z_]\w*=")/)
      .filter(Boolean)
      .sort()
      .join(',');
    if (got === wanted) return Number(match[3]);
  }
  return 0;
}

/** Every label set of one metric in Prometheus text. */
export function metricLabelSets(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => line.slice(name.length, line.lastIndexOf('}') + 1));
}

/** Polls with the key until the gateway refuses it; fails if that takes longer than `withinMs`. */
export async function refusedWithin(gateway: RunningGateway, key: string, withinMs: number) {
  const started = Date.now();
  for (;;) {
    const response = await chat(gateway, key);
    if (response.status !== 200) return response;
    if (Date.now() - started > withinMs)
      throw new Error(`still answered 200 after ${Date.now() - started} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
