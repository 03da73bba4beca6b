/**
 * What the soak bench prints: one line per window as it ends, then the summary: the p99 target
 * per window, errors, slopes of memory after warm-up, what the upstreams served, and the run's
 * Redis keys by shape, type and TTL. `lag p99` is how late the load client sent (its core was
 * busy): latencies count from the scheduled time, so a late client raises both sides' numbers.
 */
import type { UpstreamCounts } from './overhead-setups';
import type { SoakSide, SoakWindow } from './soak-client';
import { slopePerMinute, type GatewaySample } from './soak-metrics';
import type { PrefixStats, RedisProbe } from './soak-redis';

export interface WindowRecord extends SoakWindow {
  /** Minutes since the load started, at the end of the window. */
  minute: number;
  metrics: GatewaySample;
  usedMemory: number;
  prefix: PrefixStats;
  loadAverage: number;
  /** CPU seconds the host stole during the window (host-steal.ts); undefined off Linux. */
  stealSeconds?: number;
}

interface SummarySettings {
  /** REDIS_URL was given: its used_memory counts other users' keys too. */
  sharedRedis?: boolean;
  rate: number;
  windowSeconds: number;
  warmupWindows: number;
  /** Issue #16: every window's gateway p99 ≤ this many times the floor's. */
  p99Ratio?: number;
}

const MB = 1024 * 1024;
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '–');
const errors = (side: SoakSide) =>
  Object.entries(side.errors)
    .map(([kind, count]) => `${kind}:${count}`)
    .join(' ') || '0';

const HEADER = [
  'win',
  'min',
  'gw n',
  'gw p50',
  'gw p99',
  'gw max',
  'fl p50',
  'fl p99',
  'p99 ×fl',
  'gw errors',
  'fl errors',
  'RSS MB',
  'heap MB',
  'ELD p99',
  'ELD max',
  'redis MB',
  'prefix keys',
  'prefix MB',
  'fallbacks',
  'lag p99',
  'load',
  'steal s',
];
const WIDTHS = HEADER.map((title) => Math.max(title.length, 7));
let headerPrinted = false;

export function printWindow(record: WindowRecord): void {
  const line = (cells: string[]) =>
    console.log(cells.map((cell, index) => cell.padStart(WIDTHS[index])).join(' '));
  if (!headerPrinted) {
    line(HEADER);
    headerPrinted = true;
  }
  const { gateway, floor, metrics } = record;
  line([
    record.warmup ? 'warm' : String(record.window),
    record.minute.toFixed(1),
    String(gateway.count),
    ms(gateway.p50Ms),
    ms(gateway.p99Ms),
    ms(gateway.maxMs),
    ms(floor.p50Ms),
    ms(floor.p99Ms),
    (gateway.p99Ms / floor.p99Ms).toFixed(2),
    errors(gateway),
    errors(floor),
    (metrics.rssBytes / MB).toFixed(0),
    (metrics.heapUsedBytes / MB).toFixed(0),
    ms(metrics.eventLoopP99Ms),
    ms(metrics.eventLoopMaxMs),
    (record.usedMemory / MB).toFixed(2),
    String(record.prefix.keys),
    (record.prefix.bytes / MB).toFixed(3),
    String(metrics.fallbacks),
    ms(record.sendLagP99Ms),
    record.loadAverage.toFixed(2),
    record.stealSeconds === undefined ? '–' : record.stealSeconds.toFixed(2),
  ]);
}

function slopes(records: WindowRecord[]) {
  const minutes = records.map((record) => record.minute);
  const per = (pick: (record: WindowRecord) => number) =>
    slopePerMinute(minutes, records.map(pick)) / MB;
  return {
    rss: per((record) => record.metrics.rssBytes),
    heap: per((record) => record.metrics.heapUsedBytes),
    redis: per((record) => record.usedMemory),
    prefix: per((record) => record.prefix.bytes),
    keys: slopePerMinute(
      minutes,
      records.map((record) => record.prefix.keys),
    ),
  };
}

export async function printSoakSummary(
  records: WindowRecord[],
  settings: SummarySettings,
  counts: { upstream: UpstreamCounts; flaky: UpstreamCounts },
  probe: RedisProbe,
): Promise<void> {
  // The last window is short (the requests still in flight when the timetable ended).
  const full = records.filter(
    (record) =>
      !record.warmup && record.gateway.count >= 0.5 * settings.rate * settings.windowSeconds,
  );
  const warmup = records.find((record) => record.warmup);
  const ratio = settings.p99Ratio ?? 3;
  const within = full.filter((record) => record.gateway.p99Ms <= ratio * record.floor.p99Ms);
  const after = full.slice(settings.warmupWindows);
  const slope = slopes(after);
  const totalErrors = (side: 'gateway' | 'floor') =>
    full.reduce(
      (sum, record) => sum + Object.values(record[side].errors).reduce((a, b) => a + b, 0),
      0,
    );
  console.log('');
  console.log(`soak summary (${full.length} windows of ${settings.windowSeconds} s):`);
  console.log(
    `  p99 ≤ ${ratio}× the floor's in the same window: ${within.length} of ${full.length} windows ` +
      `(gateway p99 ${ms(Math.min(...full.map((r) => r.gateway.p99Ms)))}–${ms(Math.max(...full.map((r) => r.gateway.p99Ms)))} ms, ` +
      `floor ${ms(Math.min(...full.map((r) => r.floor.p99Ms)))}–${ms(Math.max(...full.map((r) => r.floor.p99Ms)))} ms): ` +
      (within.length === full.length ? 'met' : 'MISSED'),
  );
  if (warmup)
    console.log(
      `  warm-up (${warmup.gateway.count} requests, not judged): gateway p99 ${ms(warmup.gateway.p99Ms)} ms, ` +
        `floor ${ms(warmup.floor.p99Ms)} ms (${(warmup.gateway.p99Ms / warmup.floor.p99Ms).toFixed(2)}×)`,
    );
  const missed = full.filter((record) => !within.includes(record));
  if (missed.some((record) => record.stealSeconds !== undefined))
    console.log(
      `  host steal in the windows that missed: ${missed.map((r) => `${r.window}: ${r.stealSeconds?.toFixed(2)} s`).join(', ')} ` +
        `(in the others at most ${Math.max(0, ...within.map((r) => r.stealSeconds ?? 0)).toFixed(2)} s)`,
    );
  console.log(`  errors: gateway ${totalErrors('gateway')}, floor ${totalErrors('floor')}`);
  console.log(
    `  upstream served ${counts.upstream.chat_completions}; flaky upstream served ${counts.flaky.chat_completions} ` +
      `and failed ${counts.flaky.failed} (each failure retried or failed over by the gateway)`,
  );
  const flat = (value: number, limit: number) => (value <= limit ? 'flat' : 'GROWS');
  // A slope needs two windows: a short run has none after warm-up, and NaN is not "grows".
  if (after.length < 2)
    console.log(
      `  memory slopes: not measured, ${after.length} full window(s) after the ${settings.warmupWindows} warm-up windows; ` +
        `a slope needs 2 (run for at least ${+(((settings.warmupWindows + 2) * settings.windowSeconds) / 60).toFixed(2)} minutes)`,
    );
  else
    console.log(
      `  after ${settings.warmupWindows} warm-up windows, slope per minute: RSS ${slope.rss.toFixed(2)} MB (${flat(slope.rss, 1)}), ` +
        `heap ${slope.heap.toFixed(2)} MB, Redis used_memory ${slope.redis.toFixed(3)} MB (${flat(slope.redis, 0.05)}${settings.sharedRedis ? '; shared with other users of this Redis' : ''}), ` +
        `the run's keys ${slope.prefix.toFixed(3)} MB (${flat(slope.prefix, 0.05)}), ${slope.keys.toFixed(0)} keys`,
    );
  // A heap settles into its size over minutes, not two windows: a slope over the whole run can
  // say "grows" for memory that rose early and then stayed. The second half says which it is.
  const secondHalf = after.slice(Math.floor(after.length / 2));
  if (secondHalf.length >= 3) {
    const late = slopes(secondHalf);
    const rss = secondHalf.map((record) => record.metrics.rssBytes / MB);
    console.log(
      `  over the second half (windows ${secondHalf[0].window}–${secondHalf[secondHalf.length - 1].window}), slope per minute: ` +
        `RSS ${late.rss.toFixed(2)} MB (${flat(late.rss, 1)}; ${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)} MB), ` +
        `Redis used_memory ${late.redis.toFixed(3)} MB (${flat(late.redis, 0.05)}), the run's keys ${late.prefix.toFixed(3)} MB (${flat(late.prefix, 0.05)})`,
    );
  }
  const groups = await probe.breakdown();
  console.log('');
  console.log("  the run's Redis keys at the end, by shape, type and TTL:");
  for (const group of groups.slice(0, 15))
    console.log(
      `    ${group.keys.toString().padStart(6)} × ${group.shape} (${group.type}, TTL ${group.ttl}): ${(group.bytes / 1024).toFixed(0)} KiB`,
    );
}
