import { named, type ApiOperation } from '../api-operation';
import {
  healthDetailedSchema,
  healthSchema,
  metricsSummarySchema,
  readinessSchema,
} from '../schemas/ops-responses.schema';

export const opsOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/health',
    tag: 'Operations',
    auth: 'none',
    summary: "Liveness, with each provider's circuit state",
    description: 'Never calls a provider.',
    responses: [{ status: 200, description: 'Alive', body: named('Health', healthSchema) }],
    errors: [],
  },
  {
    method: 'get',
    path: '/health/ready',
    tag: 'Operations',
    auth: 'none',
    summary: 'Readiness: Redis answers and at least one circuit is not open',
    responses: [
      { status: 200, description: 'Ready', body: named('Readiness', readinessSchema) },
      { status: 503, description: 'Not ready', body: named('Readiness', readinessSchema) },
    ],
    errors: [],
  },
  {
    method: 'get',
    path: '/health/detailed',
    tag: 'Operations',
    auth: 'none',
    summary: 'Per-provider detail, cache, Redis and queue',
    responses: [
      { status: 200, description: 'Detail', body: named('HealthDetailed', healthDetailedSchema) },
    ],
    errors: [],
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'Operations',
    auth: 'none',
    summary: 'Prometheus metrics (text exposition format)',
    responses: [{ status: 200, description: 'Metrics', contentType: 'text/plain; version=0.0.4' }],
    errors: [404],
  },
  {
    method: 'get',
    path: '/metrics/summary',
    tag: 'Operations',
    auth: 'none',
    summary: 'Request, cache and failure counts (JSON)',
    responses: [
      { status: 200, description: 'Summary', body: named('MetricsSummary', metricsSummarySchema) },
    ],
    errors: [404],
  },
];
