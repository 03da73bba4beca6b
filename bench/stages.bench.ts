/**
 * Where the latency of one proxied chat completion goes, stage by stage, in the gateway and in
 * the floor proxy side by side: what `bench:overhead`'s "p50 added at 1 connection" is made of.
 * Each server runs with `support/stage-probe.js` preloaded, which times every request from
 * Node's and undici's diagnostics channels (no patched build, no marks in the gateway's code);
 * the load is one keep-alive connection, one request at a time (the latency client's
 * `sequential` mode), as in `bench:overhead`. Prints the median and p90 of each stage (µs) and
 * the gateway minus the floor: "before upstream" is the gateway's own work on the way in,
 * "after upstream" on the way out, "upstream headers" what its HTTP client adds to the round trip.
 *
 *   npm run bench:stages -- [--seconds 10] [--warmup 5] [--rounds 2]
 *
 * Same machine layout as `bench:overhead`: servers on one core, upstream and load on the other.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCommand, usageOf } from './support/bench-options';
import { killEveryChildNow, pinThisProcess, runBench, runCommand } from './support/bench-process';
import { percentile, type LatencyJob, type LatencyResult } from './support/latency-client';
import { startGatewayProcess } from './support/overhead-gateway';
import { CHAT_BODY } from './support/overhead-requests';
import {
  DIST_SUPPORT,
  startFloor,
  startUpstream,
  UPSTREAM_KEY,
  type BenchContext,
} from './support/overhead-setups';
import { busy, newSamples, STAGES, type StageSamples } from './support/stage-probe';

const OPTIONS = {
  seconds: { type: 'string', default: '10' },
  warmup: { type: 'string', default: '5' },
  rounds: { type: 'string', default: '2' },
  'keep-logs': { type: 'boolean', default: false },
} as const;
const SCRIPT = 'npm run bench:stages --';
const USAGE = usageOf(
  SCRIPT,
  [
    'Stage-by-stage latency of one request at a time, gateway and floor proxy side by side,',
    'from diagnostics channels (a probe preloaded into each server). --seconds per measured run,',
    '--warmup seconds before the first, --rounds alternated runs per server.',
  ],
  OPTIONS,
);
const command = benchCommand(SCRIPT, USAGE, OPTIONS);
const positive = (name: 'seconds' | 'warmup' | 'rounds') => {
  const value = Number(command.values[name]);
  if (!Number.isInteger(value) || value <= 0) command.fail(`--${name} must be a positive integer`);
  return value;
};
const SECONDS = positive('seconds');
const WARMUP = positive('warmup');
const ROUNDS = positive('rounds');
const PROBE = join(DIST_SUPPORT, 'stage-probe.js');
const [LOAD_CORE, PROXY_CORE] = availableParallelism() >= 2 ? [0, 1] : [undefined, undefined];
const progress = (message: string) => process.stderr.write(`${message}\n`);

interface Server {
  id: 'floor' | 'gateway';
  pid: number;
  url: string;
  headers: Record<string, string>;
  probeFile: string;
  samples: StageSamples;
  clientP50Ms: number[];
}

const probeEnv = (probeFile: string) => ({
  NODE_OPTIONS: `--require ${PROBE}`,
  STAGE_PROBE_FILE: probeFile,
});

async function sequential(server: Server, seconds: number): Promise<LatencyResult> {
  const job: LatencyJob = {
    mode: 'sequential',
    url: server.url,
    headers: server.headers,
    body: CHAT_BODY,
    durationSeconds: seconds,
  };
  const { code, stdout, stderr } = await runCommand(
    process.execPath,
    [join(DIST_SUPPORT, 'latency-client.js'), JSON.stringify(job)],
    LOAD_CORE,
    (seconds + 120) * 1000,
  );
  if (code !== 0) throw new Error(`${server.id}: latency client failed:\n${stderr}`);
  const result = JSON.parse(stdout) as LatencyResult;
  if (Object.keys(result.failures).length > 0)
    throw new Error(`${server.id}: requests failed: ${JSON.stringify(result.failures)}`);
  return result;
}

/** Asks the probe for what it recorded since the last ask, and waits for the file. */
async function collect(server: Server): Promise<StageSamples> {
  rmSync(server.probeFile, { force: true });
  process.kill(server.pid, 'SIGUSR2');
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (existsSync(server.probeFile)) {
      try {
        return JSON.parse(readFileSync(server.probeFile, 'utf8')) as StageSamples;
      } catch {
        // written but not complete yet
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${server.id}: the stage probe wrote nothing (is it preloaded?)`);
}

async function measure(server: Server): Promise<void> {
  await collect(server); // forget what came before
  const result = await sequential(server, SECONDS);
  const samples = await collect(server);
  if (samples.total.length < result.count / 2)
    throw new Error(
      `${server.id}: the probe saw ${samples.total.length} proxied requests of ${result.count}`,
    );
  for (const stage of Object.keys(server.samples)) server.samples[stage].push(...samples[stage]);
  server.clientP50Ms.push(result.p50Ms);
}

function stats(values: number[]) {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

function report(floor: Server, gateway: Server): void {
  const pad = (text: string, width: number) => text.padStart(width);
  const us = (value: number) => value.toFixed(1);
  console.log(
    `${'stage'.padEnd(18)}${pad('floor p50', 11)}${pad('p90', 9)}${pad('busy p50', 10)}` +
      `${pad('gateway p50', 13)}${pad('p90', 9)}${pad('busy p50', 10)}${pad('added p50', 11)}`,
  );
  for (const stage of [...STAGES, 'total']) {
    const f = stats(floor.samples[stage]);
    const g = stats(gateway.samples[stage]);
    const fBusy = stats(floor.samples[busy(stage)]).p50;
    const gBusy = stats(gateway.samples[busy(stage)]).p50;
    console.log(
      `${stage.padEnd(18)}${pad(us(f.p50), 11)}${pad(us(f.p90), 9)}${pad(us(fBusy), 10)}` +
        `${pad(us(g.p50), 13)}${pad(us(g.p90), 9)}${pad(us(gBusy), 10)}${pad(us(g.p50 - f.p50), 11)}`,
    );
  }
  const clientP50 = (server: Server) =>
    server.clientP50Ms.map((value) => (value * 1000).toFixed(0)).join(' / ');
  console.log(
    `\nµs; ${gateway.samples.total.length} gateway and ${floor.samples.total.length} floor requests ` +
      `over ${ROUNDS} alternated rounds of ${SECONDS} s. Client-side p50 per round (µs): ` +
      `floor ${clientP50(floor)}, gateway ${clientP50(gateway)}. The stages' medians need not ` +
      `add up to the total's; "total" is the server's own (headers parsed → response finished), ` +
      `the client's adds both loopback legs. "busy": the part of a stage the server's event loop ` +
      'was not idle (its JS, GC and syscalls; the rest it waited).',
  );
}

async function main(): Promise<void> {
  pinThisProcess(LOAD_CORE);
  const directory = mkdtempSync(join(tmpdir(), 'gateway-stages-'));
  const context: BenchContext = {
    directory,
    loadCore: LOAD_CORE,
    proxyCore: PROXY_CORE,
    chunkDelayMs: 5,
  };
  let succeeded = false;
  try {
    const upstream = await startUpstream(context);
    const floorFile = join(directory, 'floor-stages.json');
    const floorSetup = await startFloor(context, upstream, probeEnv(floorFile));
    const gatewayFile = join(directory, 'gateway-stages.json');
    const started = await startGatewayProcess(context, upstream, {
      id: 'gateway',
      root: process.cwd(),
      endpoint: 'chat',
      cache: false,
      logLevel: 'info',
      env: probeEnv(gatewayFile),
    });
    const servers: Server[] = [
      {
        id: 'floor',
        pid: floorSetup.process!.pid,
        url: floorSetup.url,
        headers: { authorization: `Bearer ${UPSTREAM_KEY}`, 'content-type': 'application/json' },
        probeFile: floorFile,
        samples: newSamples(),
        clientP50Ms: [],
      },
      {
        id: 'gateway',
        pid: started.process.pid,
        url: `${started.origin}/v1/chat/completions`,
        headers: {
          authorization: `Bearer ${started.tenantKey}`,
          'content-type': 'application/json',
        },
        probeFile: gatewayFile,
        samples: newSamples(),
        clientP50Ms: [],
      },
    ];
    for (const server of servers) {
      progress(`${server.id}: warm-up ${WARMUP} s`);
      await sequential(server, WARMUP);
    }
    for (let round = 1; round <= ROUNDS; round += 1)
      for (const server of round % 2 === 1 ? servers : [...servers].reverse()) {
        progress(`round ${round}/${ROUNDS}: ${server.id}`);
        await measure(server);
      }
    report(servers[0], servers[1]);
    succeeded = true;
  } finally {
    killEveryChildNow();
    if (succeeded && !command.values['keep-logs'])
      rmSync(directory, { recursive: true, force: true });
    else progress(`logs kept in ${directory}`);
  }
}

runBench(main);
