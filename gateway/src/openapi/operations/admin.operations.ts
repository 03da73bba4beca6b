import { named, type ApiOperation } from '../api-operation';
import { createTenantSchema, updateTenantSchema } from '../../tenants/tenant.schemas';
import {
  cacheClearedSchema,
  circuitsResetSchema,
  createdTenantSchema,
  issuedApiKeySchema,
  providerListSchema,
  providerResetSchema,
  rateLimitResetSchema,
  rateLimitStatusSchema,
  revokedApiKeySchema,
  routesSchema,
  tenantDeletedSchema,
  tenantListSchema,
  tenantSchema,
  usageReportSchema,
} from '../schemas/admin-responses.schema';

const TENANTS = 'Admin: tenants and keys';
const USAGE = 'Admin: usage and limits';
const PROVIDERS = 'Admin: providers and routes';
const tenant = named('Tenant', tenantSchema);

export const adminOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/admin/tenants',
    tag: TENANTS,
    auth: 'admin',
    summary: 'Create a tenant and its first key',
    description: 'The answer holds the key (`api_key.key`) once; it is never shown again.',
    requestBody: named('CreateTenantRequest', createTenantSchema),
    responses: [
      { status: 201, description: 'Created', body: named('CreatedTenant', createdTenantSchema) },
    ],
    errors: [400, 401],
  },
  {
    method: 'get',
    path: '/admin/tenants',
    tag: TENANTS,
    auth: 'admin',
    summary: 'Every tenant with its keys (previews only)',
    responses: [
      { status: 200, description: 'Tenants', body: named('TenantList', tenantListSchema) },
    ],
    errors: [401],
  },
  {
    method: 'get',
    path: '/admin/tenants/{id}',
    tag: TENANTS,
    auth: 'admin',
    summary: 'One tenant',
    responses: [{ status: 200, description: 'The tenant', body: tenant }],
    errors: [401, 404],
  },
  {
    method: 'patch',
    path: '/admin/tenants/{id}',
    tag: TENANTS,
    auth: 'admin',
    summary: 'Change limits, budget, allow-list or name',
    description: 'An absent field keeps its value; `null` clears a limit.',
    requestBody: named('UpdateTenantRequest', updateTenantSchema),
    responses: [{ status: 200, description: 'The updated tenant', body: tenant }],
    errors: [400, 401, 404],
  },
  {
    method: 'delete',
    path: '/admin/tenants/{id}',
    tag: TENANTS,
    auth: 'admin',
    summary: 'Delete a tenant and its keys',
    responses: [
      { status: 200, description: 'Deleted', body: named('TenantDeleted', tenantDeletedSchema) },
    ],
    errors: [401, 404],
  },
  {
    method: 'post',
    path: '/admin/tenants/{id}/keys',
    tag: TENANTS,
    auth: 'admin',
    summary: 'Issue another key for a tenant',
    description: 'The secret (`key`) is in this answer only.',
    responses: [
      { status: 201, description: 'Issued', body: named('IssuedApiKey', issuedApiKeySchema) },
    ],
    errors: [401, 404],
  },
  {
    method: 'delete',
    path: '/admin/keys/{keyId}',
    tag: TENANTS,
    auth: 'admin',
    summary: 'Revoke a key',
    description: 'The record stays, so the key answers 401 revoked_api_key rather than unknown.',
    responses: [
      { status: 200, description: 'Revoked', body: named('RevokedApiKey', revokedApiKeySchema) },
    ],
    errors: [401, 404],
  },
  {
    method: 'get',
    path: '/admin/usage',
    tag: USAGE,
    auth: 'admin',
    summary: 'Usage and cost per UTC day, tenant and model',
    query: {
      tenant: 'a tenant id (all tenants when absent)',
      from: 'first day, ISO date (default: 29 days before `to`)',
      to: 'last day, ISO date, inclusive (default: today, UTC)',
    },
    responses: [
      { status: 200, description: 'Report', body: named('UsageReport', usageReportSchema) },
    ],
    errors: [400, 401],
  },
  {
    method: 'get',
    path: '/admin/ratelimit/{id}',
    tag: USAGE,
    auth: 'admin',
    summary: 'Requests and tokens used this minute',
    pathParams: { id: 'a tenant id or a key id' },
    responses: [
      {
        status: 200,
        description: 'Counters',
        body: named('RateLimitStatus', rateLimitStatusSchema),
      },
    ],
    errors: [401, 404],
  },
  {
    method: 'delete',
    path: '/admin/ratelimit/{id}',
    tag: USAGE,
    auth: 'admin',
    summary: "Reset a tenant's rate-limit counters",
    pathParams: { id: 'a tenant id or a key id' },
    responses: [
      { status: 200, description: 'Reset', body: named('RateLimitReset', rateLimitResetSchema) },
    ],
    errors: [401, 404],
  },
  {
    method: 'delete',
    path: '/admin/cache',
    tag: USAGE,
    auth: 'admin',
    summary: 'Empty the response cache',
    responses: [
      {
        status: 200,
        description: 'Entries removed',
        body: named('CacheCleared', cacheClearedSchema),
      },
    ],
    errors: [401],
  },
  {
    method: 'post',
    path: '/admin/reset',
    tag: PROVIDERS,
    auth: 'admin',
    summary: 'Close every circuit',
    responses: [
      {
        status: 200,
        description: 'Every circuit closed',
        body: named('CircuitsReset', circuitsResetSchema),
      },
    ],
    errors: [401],
  },
  {
    method: 'get',
    path: '/admin/providers',
    tag: PROVIDERS,
    auth: 'admin',
    summary: 'Providers live: circuit, failures, retry-at, error rate, latency p50/p99',
    description:
      "Figures come from the gateway's own Prometheus metrics: over the last five minutes (`recent`) and since start.",
    responses: [
      { status: 200, description: 'Providers', body: named('ProviderList', providerListSchema) },
    ],
    errors: [401],
  },
  {
    method: 'post',
    path: '/admin/providers/{id}/reset',
    tag: PROVIDERS,
    auth: 'admin',
    summary: "Close one provider's circuit",
    pathParams: { id: 'provider id or alias' },
    responses: [
      {
        status: 200,
        description: 'The provider, circuit closed',
        body: named('ProviderReset', providerResetSchema),
      },
    ],
    errors: [401, 404],
  },
  {
    method: 'get',
    path: '/admin/routes',
    tag: PROVIDERS,
    auth: 'admin',
    summary: 'Default chain, aliases and the models each provider serves',
    responses: [
      { status: 200, description: 'Routing configuration', body: named('Routes', routesSchema) },
    ],
    errors: [401],
  },
];
