export const formatUsd = (value: number | null | undefined) =>
  value === null || value === undefined
    ? '—'
    : `$${value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 6 : 2)}`;

export const formatNumber = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : value.toLocaleString('en-US');

export const formatMs = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${value.toLocaleString('en-US')} ms`;

export const formatPercent = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)} %`;

export const formatBytes = (value: number) => {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let unit = 0;
  let scaled = value;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  return `${scaled.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
};

export const formatTime = (iso: string | null) =>
  iso === null ? '—' : new Date(iso).toLocaleString('en-GB', { hour12: false });

/** "in 12 s" / "12 s ago" relative to now. */
export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const magnitude = Math.abs(seconds);
  const text = magnitude < 120 ? `${magnitude} s` : `${Math.round(magnitude / 60)} min`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

/** YYYY-MM-DD of a UTC day, `offsetDays` from today. */
export function utcDay(offsetDays = 0, now = Date.now()): string {
  return new Date(now + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
