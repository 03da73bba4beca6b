/**
 * One round of one setup of the gateway overhead bench: wrk throughput with the proxy's CPU time
 * and peak RSS, p50/p99 over one connection, p50/p99 at each fixed rate (open loop), and for
 * setups that stream, a 20-chunk SSE answer timed chunk by chunk.
 */
import { join } from 'node:path';
import { runCommand } from './bench-process';
import { probeCoreSpeed } from './core-speed';
import { leastStolen, type StealPolicy } from './host-steal';
import type { LatencyJob, LatencyResult, StreamResult } from './latency-client';
import type { RoundMeasurement } from './overhead-report';
import { STREAM_CONTENT_CHUNKS } from './overhead-requests';
import {
  DIST_SUPPORT,
  postOnce,
  upstreamCounts,
  type Setup,
  type Upstream,
} from './overhead-setups';
import { assertAllSucceeded, runWrk } from './wrk-run';

export interface MeasureSettings extends StealPolicy {
  duration: number;
  warmup: number;
  connections: number;
  rates: number[];
  streamRequests: number;
  loadCore?: number;
  /** Where the proxy runs: the core speed probe times it (core-speed.ts). */
  proxyCore?: number;
}

const MEGABYTE = 1024 * 1024;
const progress = (message: string) => process.stderr.write(`${message}\n`);

/** One request must come back 200 with the answer and the headers the setup promises. */
export async function verifySetup(setup: Setup): Promise<void> {
  const response = await postOnce(setup);
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`${setup.id}: answered ${response.status}: ${text.slice(0, 500)}`);
  setup.check(response.headers, JSON.parse(text));
}

async function runLatencyClient<T>(job: LatencyJob, setup: Setup, core?: number): Promise<T> {
  const { code, stdout, stderr } = await runCommand(
    process.execPath,
    [join(DIST_SUPPORT, 'latency-client.js'), JSON.stringify(job)],
    core,
    (job.durationSeconds + 120) * 1000,
  );
  if (code !== 0) throw new Error(`${setup.id}: latency client (${job.mode}) failed:\n${stderr}`);
  const result = JSON.parse(stdout) as T & { failures: Record<string, number> };
  if (Object.keys(result.failures).length > 0 && !setup.reference)
    throw new Error(`${setup.id}: ${job.mode} requests failed: ${JSON.stringify(result.failures)}`);
  return result;
}

const reachedUpstream = async (setup: Setup, upstream: Upstream) =>
  (await upstreamCounts(upstream))[setup.upstreamKind];

async function saturate(setup: Setup, upstream: Upstream, settings: MeasureSettings) {
  const wrkOptions = {
    url: setup.url,
    script: setup.wrkScript,
    connections: settings.connections,
    core: settings.loadCore,
  };
  assertAllSucceeded(
    `${setup.id} (warm-up)`,
    await runWrk({ ...wrkOptions, seconds: settings.warmup }),
  );
  const proxy = setup.process;
  const run = await leastStolen(
    `${setup.id} wrk`,
    settings.duration,
    settings,
    async () => {
      const upstreamBefore = await reachedUpstream(setup, upstream);
      let peakRss = 0;
      const sampler =
        proxy && setInterval(() => (peakRss = Math.max(peakRss, proxy.rssBytes())), 200);
      const speedBefore = await probeCoreSpeed(settings.proxyCore);
      const cpuBefore = proxy?.cpuSeconds();
      const load = await runWrk({ ...wrkOptions, seconds: settings.duration }).finally(() =>
        clearInterval(sampler),
      );
      const cpuAfter = proxy?.cpuSeconds();
      const coreProbeMs = (speedBefore + (await probeCoreSpeed(settings.proxyCore))) / 2;
      assertAllSucceeded(setup.id, load);
      const reached = (await reachedUpstream(setup, upstream)) - upstreamBefore;
      if (setup.upstreamRequests === 'every' && reached < load.requests)
        throw new Error(
          `${setup.id}: wrk counted ${load.requests} answers but only ${reached} reached the upstream`,
        );
      return { load, peakRss, cpuBefore, cpuAfter, coreProbeMs };
    },
    progress,
  );
  const { load, peakRss, cpuBefore, cpuAfter, coreProbeMs } = run.result;
  return {
    throughput: load.requestsPerSecond,
    cpuSecondsPer10k:
      cpuBefore === undefined ? undefined : ((cpuAfter! - cpuBefore) / load.requests) * 10_000,
    peakRssMb: proxy ? peakRss / MEGABYTE : undefined,
    stealSeconds: run.stealSeconds,
    stolenRuns: run.discarded,
    coreProbeMs,
  };
}

async function timeStreams(setup: Setup, settings: MeasureSettings, core?: number) {
  if (!setup.streamBody) return undefined;
  const stream = await runLatencyClient<StreamResult>(
    {
      url: setup.url,
      headers: setup.headers,
      durationSeconds: settings.duration,
      mode: 'stream',
      body: setup.streamBody,
      requests: settings.streamRequests,
    },
    setup,
    core,
  );
  if (setup.id !== 'cache' && stream.contentChunks.some((count) => count !== STREAM_CONTENT_CHUNKS))
    throw new Error(
      `${setup.id}: streamed answers carried ${JSON.stringify(stream.contentChunks)} content chunks, expected ${STREAM_CONTENT_CHUNKS}`,
    );
  return stream;
}

export async function measure(
  setup: Setup,
  upstream: Upstream,
  settings: MeasureSettings,
): Promise<RoundMeasurement> {
  await verifySetup(setup);
  const upstreamAtStart = await reachedUpstream(setup, upstream);
  const saturation = await saturate(setup, upstream, settings);
  const job = {
    url: setup.url,
    headers: setup.headers,
    body: setup.body,
    durationSeconds: settings.duration,
  };
  const core = settings.loadCore;
  let latencyStealSeconds = 0;
  const timed = async (label: string, latencyJob: LatencyJob) => {
    const run = await leastStolen(
      `${setup.id} ${label}`,
      settings.duration,
      settings,
      () => runLatencyClient<LatencyResult>(latencyJob, setup, core),
      progress,
    );
    latencyStealSeconds += run.stealSeconds ?? 0;
    return run.result;
  };
  const sequential = await timed('1 connection', { ...job, mode: 'sequential' });
  const rates: LatencyResult[] = [];
  for (const rate of settings.rates) {
    const result = await timed(`${rate} req/s`, {
      ...job,
      mode: 'open-loop',
      rate,
      connections: settings.connections,
    });
    if (result.sendLagP99Ms! > 2)
      progress(
        `  warning: at ${rate} req/s the client sent ${result.sendLagP99Ms!.toFixed(1)} ms late (p99): ` +
          `core ${core ?? '(any)'} is busy, and these latencies include it`,
      );
    rates.push(result);
  }
  const stream = await timeStreams(setup, settings, core);
  if (setup.upstreamRequests === 'none') {
    const leaked = (await reachedUpstream(setup, upstream)) - upstreamAtStart;
    if (leaked > 0)
      throw new Error(`${setup.id}: ${leaked} requests reached the upstream: not cache hits`);
  }
  return { ...saturation, sequential, rates, stream, latencyStealSeconds };
}
