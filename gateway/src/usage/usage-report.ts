import { GatewayError } from '@app/contracts';
import type { UsageSummary } from '../persistence/records';
import { NANOS_PER_USD } from './usage-period';

const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

/** `from`/`to` as ISO dates or timestamps → the UTC days in between (inclusive). Default: the last 30 days. */
export function reportDays(
  from: string | undefined,
  to: string | undefined,
  now = Date.now(),
): string[] {
  const end = parseDay(to, 'to') ?? Math.floor(now / DAY_MS) * DAY_MS;
  const start = parseDay(from, 'from') ?? end - 29 * DAY_MS;
  if (start > end)
    throw GatewayError.invalidRequest("'from' must not be after 'to'", 'from', 'invalid_value');
  if ((end - start) / DAY_MS >= MAX_DAYS)
    throw GatewayError.invalidRequest(
      `At most ${MAX_DAYS} days per report`,
      'from',
      'invalid_value',
    );
  const days: string[] = [];
  for (let day = start; day <= end; day += DAY_MS)
    days.push(new Date(day).toISOString().slice(0, 10));
  return days;
}

function parseDay(value: string | undefined, param: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw GatewayError.invalidRequest(
      `'${param}' must be an ISO date such as 2025-01-31`,
      param,
      'invalid_value',
    );
  return Math.floor(time / DAY_MS) * DAY_MS;
}

const usd = (nanos: number) => nanos / NANOS_PER_USD;

const usdByName = (nanos: Record<string, number>) =>
  Object.fromEntries(Object.entries(nanos).map(([name, value]) => [name, usd(value)]));

/** Rows per day, tenant and model, plus totals per tenant and per model, as the ledger summed them. */
export function usageReport(summary: UsageSummary, days: string[], tenant: string | undefined) {
  const { totals } = summary;
  return {
    object: 'usage_report',
    from: days[0],
    to: days[days.length - 1],
    tenant: tenant ?? null,
    totals: {
      requests: totals.requests,
      prompt_tokens: totals.promptTokens,
      completion_tokens: totals.completionTokens,
      total_tokens: totals.promptTokens + totals.completionTokens,
      cost_usd: usd(totals.costNanoUsd),
    },
    cost_usd_by_tenant: usdByName(summary.costNanoUsdBySubject),
    cost_usd_by_model: usdByName(summary.costNanoUsdByModel),
    data: summary.rows.map((row) => ({
      date: row.day,
      tenant_id: row.subject,
      model: row.model,
      requests: row.requests,
      prompt_tokens: row.promptTokens,
      completion_tokens: row.completionTokens,
      total_tokens: row.promptTokens + row.completionTokens,
      cost_usd: usd(row.costNanoUsd),
    })),
  };
}
