import { z } from 'zod';

const circuitState = z.enum(['closed', 'open', 'half_open']);
const timestamp = z.string().describe('ISO 8601');

export const apiKeySchema = z.object({
  id: z.string(),
  object: z.literal('api_key'),
  tenant_id: z.string(),
  preview: z.string().describe('first characters of the key, for recognising it'),
  created_at: timestamp,
  revoked_at: timestamp.nullable(),
});

export const issuedApiKeySchema = apiKeySchema.extend({
  key: z.string().describe('the gw-sk-… secret: shown in this answer only, never again'),
});

export const revokedApiKeySchema = apiKeySchema.extend({ revoked: z.literal(true) });

export const tenantSchema = z.looseObject({
  id: z.string(),
  object: z.literal('tenant'),
  name: z.string(),
  rate_limit_rpm: z.number().int().nullable(),
  tokens_per_minute: z.number().int().nullable(),
  budget_usd: z.number().nullable(),
  budget_period: z.enum(['daily', 'monthly', 'total']),
  allowed_models: z.array(z.string()).nullable(),
  disabled: z.boolean().optional().describe('a disabled tenant’s keys are refused'),
  created_at: timestamp,
  keys: z.array(apiKeySchema),
});

export const createdTenantSchema = tenantSchema.extend({ api_key: issuedApiKeySchema });

export const tenantListSchema = z.object({
  object: z.literal('list'),
  data: z.array(tenantSchema),
});

export const tenantDeletedSchema = z.object({
  id: z.string(),
  object: z.literal('tenant'),
  deleted: z.literal(true),
});

export const usageReportSchema = z.object({
  object: z.literal('usage_report'),
  from: z.string(),
  to: z.string(),
  tenant: z.string().nullable(),
  totals: z.object({
    requests: z.number().int(),
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
    cost_usd: z.number(),
  }),
  cost_usd_by_tenant: z.record(z.string(), z.number()),
  cost_usd_by_model: z.record(z.string(), z.number()),
  data: z.array(
    z.object({
      date: z.string().describe('UTC day, YYYY-MM-DD'),
      tenant_id: z.string().describe('a tenant id, or "admin" / "anonymous"'),
      model: z.string(),
      requests: z.number().int(),
      prompt_tokens: z.number().int(),
      completion_tokens: z.number().int(),
      total_tokens: z.number().int(),
      cost_usd: z.number(),
    }),
  ),
});

const window = z.object({
  used: z.number().int(),
  limit: z.number().int().nullable(),
  reset_seconds: z.number().int(),
});
export const rateLimitStatusSchema = z.object({
  id: z.string(),
  tenant_id: z.string(),
  requests: window,
  tokens: window,
});

export const rateLimitResetSchema = z.object({
  id: z.string(),
  tenant_id: z.string(),
  reset: z.literal(true),
});

export const cacheClearedSchema = z.object({ cleared: z.number().int().nullable() });

export const circuitsResetSchema = z.looseObject({
  status: z.literal('reset'),
  providers: z.record(z.string(), z.looseObject({ circuit_state: circuitState })),
});

const trafficSchema = z.object({
  requests: z.number(),
  errors: z.number(),
  error_rate: z.number().nullable().describe('errors / requests, 0..1'),
  latency_p50_ms: z.number().nullable(),
  latency_p99_ms: z.number().nullable(),
});

export const providerInsightSchema = z.object({
  id: z.string(),
  object: z.literal('provider'),
  type: z.string(),
  available: z.boolean(),
  circuit_state: circuitState,
  consecutive_failures: z.number().int(),
  retry_at: timestamp.nullable().describe('when an open circuit lets its next trial through'),
  last_error: z.string().nullable(),
  last_error_at: timestamp.nullable(),
  recent: trafficSchema.describe('upstream attempts in the last `recent_window_seconds`'),
  since_start: trafficSchema,
});

export const providerListSchema = z.object({
  object: z.literal('list'),
  recent_window_seconds: z.number().int(),
  generated_at: timestamp,
  data: z.array(providerInsightSchema),
});

export const providerResetSchema = providerInsightSchema.extend({ reset: z.literal(true) });

const routeTarget = z.object({ provider: z.string(), model: z.string().nullable() });
export const routesSchema = z.object({
  object: z.literal('routes'),
  default_chain: z.array(z.string()),
  aliases: z.array(
    z.object({
      alias: z.string(),
      source: z.enum(['default_chain', 'config']),
      targets: z.array(routeTarget),
    }),
  ),
  providers: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      default_model: z.string(),
      models: z.array(z.string()),
      discovered_models: z
        .array(z.string())
        .describe("what the upstream's own model list answered last (model discovery)"),
      embedding_model: z.string().nullable(),
      aliases: z.array(z.string()),
    }),
  ),
  resilience: z.object({
    failure_threshold: z.number().int(),
    recovery_timeout_seconds: z.number(),
    max_retries: z.number().int(),
    request_timeout_ms: z.number().int(),
    first_byte_timeout_ms: z.number().int(),
    stream_idle_timeout_ms: z.number().int(),
  }),
});
