import { z } from 'zod';

const budgetPeriod = z.enum(['daily', 'monthly', 'total']);
const models = z.array(z.string().min(1)).max(1000);

/** `POST /admin/tenants` */
export const createTenantSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    rate_limit_rpm: z.number().int().min(0).optional(),
    tokens_per_minute: z.number().int().min(0).optional(),
    budget_usd: z.number().min(0).optional(),
    budget_period: budgetPeriod.optional(),
    allowed_models: models.optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

/** `PATCH /admin/tenants/:id`: absent keeps a field, null clears it. */
export const updateTenantSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    rate_limit_rpm: z.number().int().min(0).nullable().optional(),
    tokens_per_minute: z.number().int().min(0).nullable().optional(),
    budget_usd: z.number().min(0).nullable().optional(),
    budget_period: budgetPeriod.optional(),
    allowed_models: models.nullable().optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

export type CreateTenantInput = z.infer<typeof createTenantSchema>;
export type UpdateTenantInput = z.infer<typeof updateTenantSchema>;
