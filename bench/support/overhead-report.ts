/**
 * The gateway overhead bench's main table: medians over rounds per setup, ratios to the floor,
 * to Portkey and to the gateway (the performance issue's targets: overhead-targets.ts).
 */
import type { LatencyResult, StreamResult } from './latency-client';
import { STREAM_CONTENT_CHUNKS } from './overhead-requests';

/** What the table needs to know about the run. */
export interface ReportSettings {
  connections: number;
  rates: number[];
  chunkDelayMs: number;
}

export const SETUP_IDS = [
  'direct',
  'floor',
  'gateway',
  'gateway-redis',
  'cache',
  'responses',
  'messages-direct',
  'messages',
  'gateway-otel',
  'baseline',
  'portkey',
] as const;
export type SetupId = (typeof SETUP_IDS)[number];
export const SETUP_TITLES: Record<SetupId, string> = {
  direct: 'direct',
  floor: 'floor',
  gateway: 'gateway',
  'gateway-redis': 'gateway Redis',
  cache: 'cache hit',
  responses: '/v1/responses',
  'messages-direct': 'Anthropic direct',
  messages: '/v1/messages',
  'gateway-otel': 'gateway OTel',
  baseline: 'baseline',
  portkey: 'Portkey',
};

export interface RoundMeasurement {
  throughput: number;
  cpuSecondsPer10k?: number;
  peakRssMb?: number;
  sequential: LatencyResult;
  rates: LatencyResult[];
  /** Absent for setups not timed streaming (Responses, Messages). */
  stream?: StreamResult;
  /** CPU seconds the host stole during the wrk run kept, and during the latency runs kept. */
  stealSeconds?: number;
  latencyStealSeconds?: number;
  /** wrk runs repeated because the host stole too much (host-steal.ts). */
  stolenRuns?: number;
  /** The core speed probe on the proxy's core, mean of before and after the wrk run kept, ms. */
  coreProbeMs?: number;
}

/** The median; of an even count, the mean of the middle two (two rounds: their mean, not the larger). */
const median = (values: number[]) => {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (!sorted.length) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export interface Summary {
  throughput: number;
  cpuSecondsPer10k: number;
  idleRssMb: number;
  peakRssMb: number;
  sequentialP50: number;
  sequentialP99: number;
  rateP50: number[];
  rateP99: number[];
  ttfb: number;
  total: number;
  maxGap: number;
  fewestArrivals: number;
  stealSeconds: number;
  latencyStealSeconds: number;
  stolenRuns: number;
  coreProbeMs: number;
  /** Failed requests in the latency runs (only a reference setup may have any: Portkey). */
  failedRequests: number;
}

const failedIn = (round: RoundMeasurement) =>
  [round.sequential, ...round.rates]
    .flatMap((result) => Object.values(result.failures))
    .reduce((sum, count) => sum + count, 0);

/** One line per measurement as it ends (stderr), so a run that fails later still shows it. */
export function describeRound(round: RoundMeasurement): string {
  const at = (value: number | undefined, digits: number) =>
    value === undefined ? '–' : value.toFixed(digits);
  return (
    `${round.throughput.toFixed(0)} req/s, ${at(round.cpuSecondsPer10k, 3)} CPU s/10k, ` +
    `peak ${at(round.peakRssMb, 0)} MB, p50 ${round.sequential.p50Ms.toFixed(3)} ms, ` +
    `p99 ${round.rates.map((rate) => rate.p99Ms.toFixed(1)).join('/')} ms at the rates, ` +
    `steal ${at(round.stealSeconds, 2)} + ${at(round.latencyStealSeconds, 2)} s, ` +
    `core probe ${at(round.coreProbeMs, 1)} ms` +
    (failedIn(round) ? `, ${failedIn(round)} failed` : '')
  );
}

export function summariseRounds(
  rounds: RoundMeasurement[],
  idleRssMb: number | undefined,
): Summary {
  const over = (pick: (round: RoundMeasurement) => number | undefined) =>
    median(rounds.map((round) => pick(round) ?? Number.NaN));
  return {
    throughput: over((round) => round.throughput),
    cpuSecondsPer10k: over((round) => round.cpuSecondsPer10k),
    idleRssMb: idleRssMb ?? Number.NaN,
    peakRssMb: over((round) => round.peakRssMb),
    sequentialP50: over((round) => round.sequential.p50Ms),
    sequentialP99: over((round) => round.sequential.p99Ms),
    rateP50: rounds[0].rates.map((_, index) => over((round) => round.rates[index].p50Ms)),
    rateP99: rounds[0].rates.map((_, index) => over((round) => round.rates[index].p99Ms)),
    ttfb: over((round) => (round.stream ? median(round.stream.ttfbMs) : undefined)),
    total: over((round) => (round.stream ? median(round.stream.totalMs) : undefined)),
    maxGap: over((round) => (round.stream ? median(round.stream.maxGapMs) : undefined)),
    fewestArrivals: rounds.some((round) => round.stream)
      ? Math.min(...rounds.flatMap((round) => round.stream?.separateArrivals ?? []))
      : Number.NaN,
    stealSeconds: over((round) => round.stealSeconds),
    latencyStealSeconds: over((round) => round.latencyStealSeconds),
    stolenRuns: rounds.reduce((sum, round) => sum + (round.stolenRuns ?? 0), 0),
    coreProbeMs: over((round) => round.coreProbeMs),
    failedRequests: rounds.reduce((sum, round) => sum + failedIn(round), 0),
  };
}

export interface Row {
  metric: string;
  cells: Partial<Record<SetupId, string>>;
}

const fixed = (digits: number) => (value: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : '–';

export function buildRows(summaries: Map<SetupId, Summary>, settings: ReportSettings): Row[] {
  const rows: Row[] = [];
  const add = (
    metric: string,
    value: (summary: Summary) => number,
    format: (value: number) => string,
  ) => {
    const cells: Partial<Record<SetupId, string>> = {};
    for (const [id, summary] of summaries) cells[id] = format(value(summary));
    rows.push({ metric, cells });
  };
  const of = (id: SetupId) => summaries.get(id);
  const ratio =
    (reference: Summary | undefined, pick: (summary: Summary) => number) => (summary: Summary) =>
      reference ? pick(summary) / pick(reference) : Number.NaN;
  const minus =
    (reference: Summary | undefined, pick: (summary: Summary) => number) => (summary: Summary) =>
      reference ? pick(summary) - pick(reference) : Number.NaN;
  const throughput = (summary: Summary) => summary.throughput;
  const cpu = (summary: Summary) => summary.cpuSecondsPer10k;
  const p50 = (summary: Summary) => summary.sequentialP50;

  add(`throughput, req/s at ${settings.connections} connections`, throughput, fixed(0));
  add('  × floor', ratio(of('floor'), throughput), fixed(2));
  add('  × gateway', ratio(of('gateway'), throughput), fixed(2));
  add('  × Portkey', ratio(of('portkey'), throughput), fixed(2));
  add('p50 ms, 1 connection', p50, fixed(3));
  add('  p50 added over direct, ms', minus(of('direct'), p50), fixed(3));
  add('  p50 added over Anthropic direct, ms', minus(of('messages-direct'), p50), fixed(3));
  add('p99 ms, 1 connection', (summary) => summary.sequentialP99, fixed(3));
  settings.rates.forEach((rate, index) => {
    add(`p50 ms at ${rate} req/s (open loop)`, (summary) => summary.rateP50[index], fixed(3));
    add(`p99 ms at ${rate} req/s (open loop)`, (summary) => summary.rateP99[index], fixed(3));
  });
  add('RSS MB idle (after start)', (summary) => summary.idleRssMb, fixed(0));
  add('RSS MB under load (peak)', (summary) => summary.peakRssMb, fixed(0));
  add('CPU s per 10k requests (at saturation)', cpu, fixed(3));
  add('  × floor', ratio(of('floor'), cpu), fixed(2));
  add('  × gateway', ratio(of('gateway'), cpu), fixed(2));
  add('  × Portkey', ratio(of('portkey'), cpu), fixed(2));
  add(
    `stream TTFB ms (${STREAM_CONTENT_CHUNKS} chunks, ${settings.chunkDelayMs} ms apart)`,
    (summary) => summary.ttfb,
    fixed(2),
  );
  add(
    '  TTFB over floor, ms',
    minus(of('floor'), (summary) => summary.ttfb),
    fixed(2),
  );
  add('stream total ms', (summary) => summary.total, fixed(1));
  add('stream longest gap between chunks, ms', (summary) => summary.maxGap, fixed(1));
  add(
    'stream content chunks, arrived separately (fewest)',
    (summary) => summary.fewestArrivals,
    fixed(0),
  );
  add('host steal, CPU s during wrk (kept run)', (summary) => summary.stealSeconds, fixed(2));
  add('host steal, CPU s during latency runs', (summary) => summary.latencyStealSeconds, fixed(2));
  add('wrk runs repeated for steal (all rounds)', (summary) => summary.stolenRuns, fixed(0));
  add(
    'core speed probe ms, proxy core (lower: faster)',
    (summary) => summary.coreProbeMs,
    fixed(1),
  );
  add(
    'failed requests in latency runs (all rounds)',
    (summary) => summary.failedRequests,
    fixed(0),
  );
  return rows;
}

/** A text table: the first column left-aligned, the others right-aligned. */
export function printGrid(header: string[], lines: string[][]): void {
  const all = [header, ...lines];
  const widths = header.map((_, column) => Math.max(...all.map((line) => line[column].length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join(' | ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
  for (const line of lines) console.log(format(line));
}

export function printTable(rows: Row[], setups: SetupId[]): void {
  printGrid(
    ['metric (median of rounds)', ...setups.map((id) => SETUP_TITLES[id])],
    rows
      // A ratio to a setup that was not run (--only) is a row of dashes: left out.
      .filter((row) => setups.some((id) => (row.cells[id] ?? '–') !== '–'))
      .map((row) => [row.metric, ...setups.map((id) => row.cells[id] ?? '')]),
  );
}

/**
 * Names the setups whose kept runs still lost more CPU to the host than a phase may
 * (`allowedSeconds` per phase; the latency runs of a round are `latencyPhases` phases): their
 * rows, and the targets read from them, say more about the neighbours than this run's median
 * suggests.
 */
export function printStealWarnings(
  summaries: Map<SetupId, Summary>,
  allowedSeconds: number,
  latencyPhases: number,
): void {
  const over: string[] = [];
  for (const [id, summary] of summaries) {
    const parts: string[] = [];
    if (summary.stealSeconds > allowedSeconds)
      parts.push(`wrk ${summary.stealSeconds.toFixed(2)} s`);
    if (summary.latencyStealSeconds > allowedSeconds * latencyPhases)
      parts.push(`latency runs ${summary.latencyStealSeconds.toFixed(2)} s`);
    if (parts.length) over.push(`${SETUP_TITLES[id]} (${parts.join(', ')})`);
  }
  if (!over.length) return;
  console.log('');
  console.log(
    `Host steal above the allowance (${allowedSeconds.toFixed(2)} s per phase) even in the runs kept: ` +
      `${over.join('; ')}. Their rows, and the targets read from them, are less reliable in this run.`,
  );
}

/** How far apart two setups' core speed probes may be before their comparison is flagged. */
export const CORE_SPEED_TOLERANCE = 0.15;

/**
 * Names the setups whose wrk runs met the proxy's core at another speed than the floor's (the
 * probe differs by more than CORE_SPEED_TOLERANCE): their ratios to the floor mix the proxy's
 * cost with the machine's drift (core-speed.ts).
 */
export function printCoreSpeedWarnings(summaries: Map<SetupId, Summary>): void {
  const floor = summaries.get('floor')?.coreProbeMs;
  if (floor === undefined || !Number.isFinite(floor)) return;
  const apart: string[] = [];
  for (const [id, summary] of summaries) {
    const change = summary.coreProbeMs / floor - 1;
    if (Math.abs(change) > CORE_SPEED_TOLERANCE)
      apart.push(
        `${SETUP_TITLES[id]} ${summary.coreProbeMs.toFixed(1)} ms (${change > 0 ? '+' : ''}${(change * 100).toFixed(0)}%)`,
      );
  }
  if (!apart.length) return;
  console.log('');
  console.log(
    `The proxy's core ran at another speed than during the floor's runs (${floor.toFixed(1)} ms for the probe): ` +
      `${apart.join('; ')}. Their ratios to the floor include that drift.`,
  );
}
