import { ALL_DAYS } from '../persistence/record-rows';
import type { BudgetPeriod } from '../persistence/records';

/** The UTC buckets a moment belongs to: day `YYYY-MM-DD`, month `YYYY-MM`, epoch minute. */
export interface UsagePeriod {
  day: string;
  month: string;
  minute: number;
}

let lastPeriod: UsagePeriod = { day: '1970-01-01', month: '1970-01', minute: 0 };

/** Every request asks for its period; the answer changes once a minute, so it is reused. */
export function usagePeriod(now = Date.now()): UsagePeriod {
  const minute = Math.floor(now / 60_000);
  if (minute === lastPeriod.minute) return lastPeriod;
  const day = new Date(now).toISOString().slice(0, 10);
  const period = { day, month: day.slice(0, 7), minute };
  if (minute > lastPeriod.minute) lastPeriod = period;
  return period;
}

/** The first UTC day whose spend counts against a budget of this period (the ledger sums from it). */
export function budgetPeriodStart(budget: BudgetPeriod, period: UsagePeriod): string {
  if (budget === 'daily') return period.day;
  if (budget === 'monthly') return `${period.month}-01`;
  return ALL_DAYS;
}

/** Nano-USD: integer units, so spend adds up exactly (safe as a JS number up to ~9e6 USD per sum). */
export const NANOS_PER_USD = 1e9;

export function toNanoUsd(usd: number): number {
  return Math.round(usd * NANOS_PER_USD);
}
