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

/** Nano-USD: integer units so Redis adds spend exactly (INCRBY), with room for 9e9 USD. */
export const NANOS_PER_USD = 1e9;

export function toNanoUsd(usd: number): number {
  return Math.round(usd * NANOS_PER_USD);
}
