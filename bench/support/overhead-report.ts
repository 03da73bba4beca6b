/**
 * The gateway overhead bench's one table: medians over rounds per setup, ratios to the floor and
 * to Portkey, and the performance issue's targets with whether the gateway meets them.
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
  'gateway-otel',
  'cache',
  'portkey',
] as const;
export type SetupId = (typeof SETUP_IDS)[number];
export const SETUP_TITLES: Record<SetupId, string> = {
  direct: 'direct',
  floor: 'floor',
  gateway: 'gateway',
  'gateway-otel': 'gateway traced',
  cache: 'gateway cache hit',
  portkey: 'Portkey',
};

export interface RoundMeasurement {
  throughput: number;
  cpuSecondsPer10k?: number;
  peakRssMb?: number;
  sequential: LatencyResult;
  rates: LatencyResult[];
  stream: StreamResult;
}

const median = (values: number[]) => {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : Number.NaN;
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
    ttfb: over((round) => median(round.stream.ttfbMs)),
    total: over((round) => median(round.stream.totalMs)),
    maxGap: over((round) => median(round.stream.maxGapMs)),
    fewestArrivals: Math.min(...rounds.flatMap((round) => round.stream.separateArrivals)),
  };
}

export interface Row {
  metric: string;
  cells: Partial<Record<SetupId, string>>;
  target: string;
  verdict: string;
}

/** A target on one setup's value: "met", "MISSED", or why it cannot be judged. */
interface Check {
  setup: SetupId;
  ok: (value: number) => boolean;
}

export function buildRows(summaries: Map<SetupId, Summary>, settings: ReportSettings): Row[] {
  const rows: Row[] = [];
  const fixed = (digits: number) => (value: number) =>
    Number.isFinite(value) ? value.toFixed(digits) : '–';
  const add = (
    metric: string,
    value: (summary: Summary) => number,
    format: (value: number) => string,
    target = '',
    checks: Check[] = [],
  ) => {
    const cells: Partial<Record<SetupId, string>> = {};
    for (const [id, summary] of summaries) cells[id] = format(value(summary));
    const verdict = checks
      .map(({ setup, ok }) => {
        const summary = summaries.get(setup);
        const measured = summary ? value(summary) : Number.NaN;
        const result = Number.isFinite(measured) ? (ok(measured) ? 'met' : 'MISSED') : 'n/a';
        return checks.length > 1 ? `${SETUP_TITLES[setup]} ${result}` : result;
      })
      .join(', ');
    rows.push({ metric, cells, target, verdict });
  };
  const of = (id: SetupId) => summaries.get(id);
  const floor = of('floor');
  const portkey = of('portkey');
  const direct = of('direct');
  const ratio =
    (reference: Summary | undefined, pick: (summary: Summary) => number) => (summary: Summary) =>
      reference ? pick(summary) / pick(reference) : Number.NaN;
  const minus =
    (reference: Summary | undefined, pick: (summary: Summary) => number) => (summary: Summary) =>
      reference ? pick(summary) - pick(reference) : Number.NaN;
  const throughput = (summary: Summary) => summary.throughput;
  const cpu = (summary: Summary) => summary.cpuSecondsPer10k;

  add(`throughput, req/s at ${settings.connections} connections`, throughput, fixed(0));
  add('  × floor', ratio(floor, throughput), fixed(2), 'gateway ≥ 0.50, cache hit ≥ 1.00', [
    { setup: 'gateway', ok: (value) => value >= 0.5 },
    { setup: 'cache', ok: (value) => value >= 1 },
  ]);
  add('  × Portkey', ratio(portkey, throughput), fixed(2), 'gateway ≥ 4.00', [
    { setup: 'gateway', ok: (value) => value >= 4 },
  ]);
  add('p50 ms, 1 connection', (summary) => summary.sequentialP50, fixed(3));
  add(
    '  p50 added over direct, ms',
    minus(direct, (summary) => summary.sequentialP50),
    fixed(3),
    'gateway ≤ 0.5',
    [{ setup: 'gateway', ok: (value) => value <= 0.5 }],
  );
  add('p99 ms, 1 connection', (summary) => summary.sequentialP99, fixed(3));
  settings.rates.forEach((rate, index) => {
    add(`p50 ms at ${rate} req/s (open loop)`, (summary) => summary.rateP50[index], fixed(3));
    const isTargetRate = rate === 1000;
    add(
      `p99 ms at ${rate} req/s (open loop)`,
      (summary) => summary.rateP99[index],
      fixed(3),
      isTargetRate ? 'gateway ≤ 2' : '',
      isTargetRate ? [{ setup: 'gateway', ok: (value) => value <= 2 }] : [],
    );
  });
  add('RSS MB idle (after start)', (summary) => summary.idleRssMb, fixed(0));
  add(
    'RSS MB under load (peak)',
    (summary) => summary.peakRssMb,
    fixed(0),
    'gateway, cache hit ≤ 150',
    [
      { setup: 'gateway', ok: (value) => value <= 150 },
      { setup: 'cache', ok: (value) => value <= 150 },
    ],
  );
  add('CPU s per 10k requests (at saturation)', cpu, fixed(3));
  add('  × floor', ratio(floor, cpu), fixed(2), 'gateway ≤ 2.00', [
    { setup: 'gateway', ok: (value) => value <= 2 },
  ]);
  add('  × Portkey', ratio(portkey, cpu), fixed(2));
  // OpenTelemetry on (every request sampled, exported over OTLP/protobuf) next to off.
  add('  × gateway (tracing cost)', ratio(of('gateway'), cpu), fixed(2));
  add(
    `stream TTFB ms (${STREAM_CONTENT_CHUNKS} chunks, ${settings.chunkDelayMs} ms apart)`,
    (summary) => summary.ttfb,
    fixed(2),
  );
  add(
    '  TTFB over floor, ms',
    minus(floor, (summary) => summary.ttfb),
    fixed(2),
    'gateway ≤ 1.0',
    [{ setup: 'gateway', ok: (value) => value <= 1 }],
  );
  add('stream total ms', (summary) => summary.total, fixed(1));
  add('stream longest gap between chunks, ms', (summary) => summary.maxGap, fixed(1));
  add(
    'stream content chunks, arrived separately (fewest)',
    (summary) => summary.fewestArrivals,
    fixed(0),
    `gateway ${STREAM_CONTENT_CHUNKS} (each leaves as it arrives)`,
    [{ setup: 'gateway', ok: (value) => value === STREAM_CONTENT_CHUNKS }],
  );
  return rows;
}

export function printTable(rows: Row[], setups: SetupId[]): void {
  const header = [
    'metric (median of rounds)',
    ...setups.map((id) => SETUP_TITLES[id]),
    'target',
    'result',
  ];
  const lines = [
    header,
    ...rows.map((row) => [
      row.metric,
      ...setups.map((id) => row.cells[id] ?? ''),
      row.target,
      row.verdict,
    ]),
  ];
  const widths = header.map((_, column) => Math.max(...lines.map((line) => line[column].length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join(' | ');
  console.log(format(lines[0]));
  console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
  for (const line of lines.slice(1)) console.log(format(line));
}
