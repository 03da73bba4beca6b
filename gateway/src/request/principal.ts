import type { TenantRecord } from '../persistence/records';

/** Who is calling: a tenant (by one of its keys), the admin key, or nobody (open gateway). */
export type Principal =
  | { kind: 'tenant'; tenant: TenantRecord; keyId: string }
  | { kind: 'admin' }
  | { kind: 'anonymous' };

export const ANONYMOUS: Principal = { kind: 'anonymous' };
export const ADMIN: Principal = { kind: 'admin' };

/** The id usage, budgets and limits are counted under. */
export function subjectOf(principal: Principal): string {
  return principal.kind === 'tenant' ? principal.tenant.id : principal.kind;
}

/** The models this caller may use; undefined: every model. */
export function allowedModelsOf(principal: Principal): readonly string[] | undefined {
  return principal.kind === 'tenant' ? principal.tenant.allowedModels : undefined;
}
