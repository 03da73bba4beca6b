/** The UTC buckets a moment belongs to: day `YYYY-MM-DD`, month `YYYY-MM`, epoch minute. */
export interface UsagePeriod {
  day: string;
  month: string;
  minute: number;
}

export function usagePeriod(now = Date.now()): UsagePeriod {
  const day = new Date(now).toISOString().slice(0, 10);
  return { day, month: day.slice(0, 7), minute: Math.floor(now / 60_000) };
}

/** Nano-USD: integer units so Redis adds spend exactly (INCRBY), with room for 9e9 USD. */
export const NANOS_PER_USD = 1e9;

export function toNanoUsd(usd: number): number {
  return Math.round(usd * NANOS_PER_USD);
}
