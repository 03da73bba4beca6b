/**
 * Issue #16's targets, each a ratio of two setups measured side by side in the same run, printed
 * as "target vs measured" for this build's gateway (and for the baseline build, when measured),
 * then the comparisons the other rows ask for (Redis, OTel, Responses, Messages, before/after).
 */
import { printGrid, type SetupId, type Summary } from './overhead-report';

interface Target {
  name: string;
  wanted: string;
  /** The measured value for a gateway summary (`gateway` or `baseline`), or NaN when a setup is missing. */
  value(gateway: Summary, of: (id: SetupId) => Summary | undefined): number;
  format(value: number): string;
  met(value: number): boolean;
}

const pick = (summary: Summary | undefined, field: (summary: Summary) => number) =>
  summary ? field(summary) : Number.NaN;
const times = (value: number) => `${value.toFixed(2)}×`;
const percent = (value: number) => `${(value * 100).toFixed(0)}%`;

function targets(rate1000: number): Target[] {
  return [
    {
      name: 'throughput vs floor (embedded, auth + throttling + metrics)',
      wanted: '≥ 50%',
      value: (gateway, of) => gateway.throughput / pick(of('floor'), (s) => s.throughput),
      format: percent,
      met: (value) => value >= 0.5,
    },
    {
      name: 'throughput vs Portkey',
      wanted: '≥ 6×',
      value: (gateway, of) => gateway.throughput / pick(of('portkey'), (s) => s.throughput),
      format: times,
      met: (value) => value >= 6,
    },
    {
      name: 'CPU per request vs floor',
      wanted: '≤ 2×',
      value: (gateway, of) =>
        gateway.cpuSecondsPer10k / pick(of('floor'), (s) => s.cpuSecondsPer10k),
      format: times,
      met: (value) => value <= 2,
    },
    {
      name: 'p50 at 1 connection, over the floor',
      wanted: '≤ +0.15 ms',
      value: (gateway, of) => gateway.sequentialP50 - pick(of('floor'), (s) => s.sequentialP50),
      format: (value) => `${value >= 0 ? '+' : ''}${value.toFixed(3)} ms`,
      met: (value) => value <= 0.15,
    },
    {
      name: 'p99 at 1,000 req/s open loop vs floor',
      wanted: '≤ 2×',
      value: (gateway, of) =>
        rate1000 < 0
          ? Number.NaN
          : gateway.rateP99[rate1000] / pick(of('floor'), (s) => s.rateP99[rate1000]),
      format: times,
      met: (value) => value <= 2,
    },
    {
      name: 'cache hit throughput vs floor',
      wanted: '≥ 100%',
      value: (_, of) =>
        pick(of('cache'), (s) => s.throughput) / pick(of('floor'), (s) => s.throughput),
      format: percent,
      met: (value) => value >= 1,
    },
    {
      name: 'RSS peak under load, no flags',
      wanted: '≤ 150 MB',
      value: (gateway) => gateway.peakRssMb,
      format: (value) => `${value.toFixed(0)} MB`,
      met: (value) => value <= 150,
    },
    {
      name: 'Redis topology throughput vs embedded',
      wanted: '≥ 80%',
      value: (gateway, of) => pick(of('gateway-redis'), (s) => s.throughput) / gateway.throughput,
      format: percent,
      met: (value) => value >= 0.8,
    },
  ];
}

export function printTargets(summaries: Map<SetupId, Summary>, rates: number[]): void {
  const of = (id: SetupId) => summaries.get(id);
  const gateway = of('gateway');
  if (!gateway) return;
  const baseline = of('baseline');
  const judged = (target: Target, summary: Summary | undefined) => {
    const value = summary ? target.value(summary, of) : Number.NaN;
    return Number.isFinite(value)
      ? [target.format(value), target.met(value) ? 'met' : 'MISSED']
      : ['–', 'n/a'];
  };
  console.log('');
  printGrid(
    [
      'target (issue #16)',
      'wanted',
      'gateway',
      'result',
      ...(baseline ? ['baseline build', 'result'] : []),
    ],
    targets(rates.indexOf(1000)).map((target) => [
      target.name,
      target.wanted,
      ...judged(target, gateway),
      ...(baseline ? judged(target, baseline) : []),
    ]),
  );
}

interface Comparison {
  label: string;
  setup: SetupId;
  reference: SetupId;
  /** What the issue asks of the pair, and the judge of it; none: reported only. */
  wanted?: string;
  met?: (setup: Summary, reference: Summary, of: (id: SetupId) => Summary | undefined) => boolean;
}

/** p50 at one connection over the direct call of the same API. */
const p50Added = (summary: Summary, direct: Summary | undefined) =>
  summary.sequentialP50 - pick(direct, (s) => s.sequentialP50);

/** "A vs B" of p50 added; without the direct runs (`--only`), the p50s themselves, marked so. */
function p50AddedText(
  a: Summary,
  aDirect: Summary | undefined,
  b: Summary,
  bDirect: Summary | undefined,
): string {
  if (aDirect && bDirect)
    return `${p50Added(a, aDirect).toFixed(3)} vs ${p50Added(b, bDirect).toFixed(3)}`;
  return `p50 ${a.sequentialP50.toFixed(3)} vs ${b.sequentialP50.toFixed(3)}`;
}

const COMPARISONS: Comparison[] = [
  {
    label: 'Redis topology vs embedded',
    setup: 'gateway-redis',
    reference: 'gateway',
    wanted: '#16: throughput ≥ 0.80×',
    met: (setup, reference) => setup.throughput >= 0.8 * reference.throughput,
  },
  {
    label: 'OTel on (sampling 1.0) vs off',
    setup: 'gateway-otel',
    reference: 'gateway',
    wanted: '#15: reported',
  },
  {
    label: '/v1/responses vs chat',
    setup: 'responses',
    reference: 'gateway',
    wanted: '#12: CPU/request ≤ 1.00×',
    met: (setup, reference) => setup.cpuSecondsPer10k <= reference.cpuSecondsPer10k,
  },
  {
    label: '/v1/messages vs chat',
    setup: 'messages',
    reference: 'gateway',
    wanted: '#13: CPU/req ≤ 1.00×, p50 added ≤ chat',
    met: (setup, reference, of) =>
      setup.cpuSecondsPer10k <= reference.cpuSecondsPer10k &&
      p50Added(setup, of('messages-direct')) <= p50Added(reference, of('direct')),
  },
  {
    label: 'this build vs baseline build',
    setup: 'gateway',
    reference: 'baseline',
    wanted: '#14, #19: throughput ≥ 1.00×, CPU/req ≤ 1.00×',
    met: (setup, reference) =>
      setup.throughput >= reference.throughput &&
      setup.cpuSecondsPer10k <= reference.cpuSecondsPer10k,
  },
];

/**
 * Side-by-side ratios of a setup to its reference: what a feature, an API or a build costs over
 * the plain gateway, with what the other issues ask of it. p50 added is over the direct call of
 * the same API (chat: `direct`, Messages: `messages-direct`).
 */
export function printComparisons(
  summaries: Map<SetupId, Summary>,
  otlp: { requests: number; bytes: number; spansOf: number } | undefined,
): void {
  const of = (id: SetupId) => summaries.get(id);
  const directOf = (id: SetupId) => of(id === 'messages' ? 'messages-direct' : 'direct');
  const lines = COMPARISONS.flatMap(({ label, setup, reference, wanted, met }) => {
    const a = of(setup);
    const b = of(reference);
    if (!a || !b) return [];
    const judged = !met ? '' : met(a, b, of) ? 'met' : 'MISSED';
    return [
      [
        label,
        times(a.throughput / b.throughput),
        times(a.cpuSecondsPer10k / b.cpuSecondsPer10k),
        `${(a.cpuSecondsPer10k / 10).toFixed(3)} vs ${(b.cpuSecondsPer10k / 10).toFixed(3)}`,
        p50AddedText(a, directOf(setup), b, directOf(reference)),
        `${a.peakRssMb.toFixed(0)} vs ${b.peakRssMb.toFixed(0)}`,
        wanted ?? '',
        judged,
      ],
    ];
  });
  if (!lines.length) return;
  console.log('');
  printGrid(
    [
      'comparison (A vs B)',
      'throughput',
      'CPU/request',
      'CPU ms/request',
      'p50 added ms',
      'RSS peak MB',
      'wanted',
      'result',
    ],
    lines,
  );
  if (otlp)
    console.log(
      `OTLP sink: ${otlp.requests} export requests, ${(otlp.bytes / 1024 / 1024).toFixed(1)} MB` +
        (otlp.bytes === 0
          ? ' (nothing exported: this build has no OTel tracing, so the OTel column measures the plain gateway)'
          : `, ${(otlp.bytes / Math.max(1, otlp.spansOf)).toFixed(0)} bytes per gateway request`),
    );
}
