import { z } from 'zod';

const circuitState = z.enum(['closed', 'open', 'half_open']);

export const healthSchema = z.looseObject({
  status: z.enum(['ok', 'degraded', 'no_providers']),
  copilot_available: z.boolean(),
  cloud_available: z.boolean(),
  local_available: z.boolean(),
  circuit_state: circuitState.describe("the default chain's first provider"),
  default_chain: z.array(z.string()),
  providers: z.record(
    z.string(),
    z.looseObject({
      type: z.string(),
      available: z.boolean(),
      circuit_state: circuitState,
      consecutive_failures: z.number().int(),
      retry_at: z.string().nullable(),
    }),
  ),
  uptime_seconds: z.number().int(),
});

export const readinessSchema = z
  .looseObject({ status: z.string(), info: z.unknown().optional(), error: z.unknown().optional() })
  .describe('@nestjs/terminus result: redis, providers and queue indicators');

export const healthDetailedSchema = z.looseObject({
  status: z.string(),
  providers: z.record(z.string(), z.looseObject({ circuit_state: circuitState })),
  cache: z.looseObject({ enabled: z.boolean(), backend: z.string() }),
  redis: z.looseObject({ configured: z.boolean() }),
  uptime_seconds: z.number().int(),
});

export const metricsSummarySchema = z.object({
  total_requests: z.number().int(),
  cache_hits: z.number().int(),
  cache_hit_rate_percent: z.number(),
  failures: z.number().int(),
  providers_active: z.number().int(),
});
