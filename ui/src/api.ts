/**
 * Every call the console makes. Requests ride the session cookie (HttpOnly: this code never sees
 * it) plus the `x-gateway-console` header the gateway requires of cookie-authenticated calls.
 * Errors carry the API's own message, shown to the operator as is.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when the gateway answers 401 to a session call: the session expired or was revoked. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export const CONSOLE_HEADERS = { 'x-gateway-console': '1' };

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** A client key typed into the playground: sent instead of the session. Kept in memory only. */
  apiKey?: string;
}

export function requestHeaders(options: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = { ...CONSOLE_HEADERS };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  return headers;
}

export async function apiFetch(path: string, options: RequestOptions = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers: requestHeaders(options),
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, `The gateway did not answer (${(error as Error).message})`);
  }
  if (!response.ok) throw await errorOf(response, options);
  return response;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiFetch(path, options);
  return (await response.json()) as T;
}

async function errorOf(response: Response, options: RequestOptions): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`;
  let code: string | null = null;
  try {
    const body = (await response.json()) as { error?: { message?: string; code?: string } };
    if (body.error?.message) message = body.error.message;
    code = body.error?.code ?? null;
  } catch {
    // Not JSON: keep the status line.
  }
  if (response.status === 401 && !options.apiKey)
    unauthorizedListeners.forEach((listener) => listener());
  return new ApiError(response.status, message, code);
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

// --- shapes of the answers the pages read --------------------------------------------------

export interface ConsoleSession {
  authenticated: boolean;
  admin_key_required: boolean;
  expires_at: string | null;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface Traffic {
  requests: number;
  errors: number;
  error_rate: number | null;
  latency_p50_ms: number | null;
  latency_p99_ms: number | null;
}

export interface ProviderInsight {
  id: string;
  type: string;
  available: boolean;
  circuit_state: CircuitState;
  consecutive_failures: number;
  retry_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  recent: Traffic;
  since_start: Traffic;
}

export interface ProviderList {
  recent_window_seconds: number;
  generated_at: string;
  data: ProviderInsight[];
}

export interface RouteTarget {
  provider: string;
  model: string | null;
}

export interface Routes {
  default_chain: string[];
  aliases: { alias: string; source: 'default_chain' | 'config'; targets: RouteTarget[] }[];
  providers: {
    id: string;
    type: string;
    default_model: string;
    models: string[];
    embedding_model: string | null;
    aliases: string[];
  }[];
  resilience: Record<string, number>;
}

export interface ApiKey {
  id: string;
  tenant_id: string;
  preview: string;
  created_at: string;
  revoked_at: string | null;
}

export interface Tenant {
  id: string;
  name: string;
  rate_limit_rpm: number | null;
  tokens_per_minute: number | null;
  budget_usd: number | null;
  budget_period: 'daily' | 'monthly' | 'total';
  allowed_models: string[] | null;
  /** Present once the gateway supports disabling tenants. */
  disabled?: boolean;
  created_at: string;
  keys: ApiKey[];
}

export interface IssuedKey extends ApiKey {
  key: string;
}

export interface UsageRow {
  date: string;
  tenant_id: string;
  model: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_usd: number;
}

export interface UsageReport {
  from: string;
  to: string;
  tenant: string | null;
  totals: {
    requests: number;
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    cost_usd: number;
  };
  data: UsageRow[];
}

export interface RagCollection {
  name: string;
  documents: number;
  chunks: number;
  dimensions: number;
  bytes_on_disk: number;
  embedding_model: string;
}

export interface RagHit {
  id: string;
  document_id: string;
  score: number;
  content: string;
  metadata: Record<string, unknown>;
}
