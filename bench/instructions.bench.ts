/**
 * Instructions per proxied chat completion, counted by valgrind's callgrind: the gateway as
 * `bench:overhead` runs it (tenant key, limits checked, metrics on, one log line per request,
 * cache off; with `--cache` on, every request after the first a hit) answers `--warmup` requests
 * uninstrumented, then `--requests` counted ones, from `--connections` keep-alive connections (8). Prints
 * instructions per request (all threads), the part spent in V8's compilers and GC (which vary
 * with when tiering and collections happen), the rest, and the functions that cost most; with `--baseline DIR`, the same for another build and the largest
 * differences. Unlike CPU time, the counts do not move with the host's other load: use it to
 * tell whether a change removed work, and `bench:overhead` for what it is worth in time.
 *
 *   npm run bench:instructions -- [--requests 3000] [--warmup 10000] [--connections 8]
 *     [--baseline ../other-build] [--cache]
 *
 * Needs valgrind (Debian: `apt-get install -y valgrind`). About 1.5 minutes per build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchCommand, usageOf } from './support/bench-options';
import { runBench } from './support/bench-process';
import {
  callgrindArgs,
  callgrindControl,
  readInstructionProfile,
  requireValgrind,
  VGDB_ENV,
  type InstructionProfile,
} from './support/callgrind-profile';
import { startGatewayProcess, type StartedGateway } from './support/overhead-gateway';
import { CHAT_BODY } from './support/overhead-requests';
import { startUpstream, type BenchContext } from './support/overhead-setups';

const OPTIONS = {
  requests: { type: 'string', default: '3000' },
  warmup: { type: 'string', default: '10000' },
  baseline: { type: 'string' },
  top: { type: 'string', default: '25' },
  cache: { type: 'boolean', default: false },
  connections: { type: 'string', default: '8' },
} as const;
const SCRIPT = 'npm run bench:instructions --';
const USAGE = usageOf(
  SCRIPT,
  [
    'Instructions per proxied chat completion under valgrind (callgrind), for this build and,',
    'with --baseline DIR, another one (a directory holding dist/ and node_modules). With --cache,',
    'the response cache is on and every request after the first is a hit. --connections 1 counts',
    'what one request at a time costs (what p50 at one connection pays; 8 amortize event-loop turns).',
  ],
  OPTIONS,
);
const command = benchCommand(SCRIPT, USAGE, OPTIONS);
const positive = (name: 'requests' | 'warmup' | 'top' | 'connections') => {
  const value = Number(command.values[name]);
  if (!Number.isInteger(value) || value <= 0) command.fail(`--${name} must be a positive integer`);
  return value;
};
const REQUESTS = positive('requests');
const WARMUP = positive('warmup');
const TOP = positive('top');
const CONNECTIONS = positive('connections');

/** `count` chat completions over `CONNECTIONS` keep-alive connections; any non-200 fails the run. */
async function send(gateway: StartedGateway, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const url = new URL(`${gateway.origin}/v1/chat/completions`);
  const one = () =>
    new Promise<void>((done, fail) => {
      const outgoing = request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${gateway.tenantKey}`,
          },
        },
        (response) => {
          response.resume();
          response.once('end', () =>
            response.statusCode === 200
              ? done()
              : fail(new Error(`the gateway answered ${response.statusCode}`)),
          );
        },
      );
      outgoing.once('error', fail);
      outgoing.end(CHAT_BODY);
    });
  let sent = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (sent < count) {
        sent += 1;
        await one();
      }
    }),
  );
  agent.destroy();
}

async function profileBuild(root: string, context: BenchContext, label: string) {
  const upstream = await startUpstream(context);
  const outputFile = join(context.directory, `callgrind-${label.replace(' ', '-')}.%p`);
  let gateway: StartedGateway | undefined;
  try {
    gateway = await startGatewayProcess(context, upstream, {
      id: 'gateway',
      root,
      endpoint: 'chat',
      cache: command.values.cache === true,
      logLevel: 'info',
      env: VGDB_ENV,
      launcher: {
        command: 'valgrind',
        args: [...callgrindArgs(outputFile), process.execPath, '--perf-basic-prof'],
      },
      bootTimeoutMs: 300_000,
    });
    const pid = gateway.process.pid;
    console.log(`${label}: warming up with ${WARMUP} requests (uninstrumented)…`);
    await send(gateway, WARMUP);
    callgrindControl(pid, 'on');
    console.log(`${label}: counting ${REQUESTS} requests…`);
    await send(gateway, REQUESTS);
    callgrindControl(pid, 'off');
    callgrindControl(pid, 'dump');
    await gateway.process.stop(30_000);
    return readInstructionProfile(outputFile, pid, root);
  } finally {
    await gateway?.process.stop();
    await upstream.process.stop();
    if (gateway) rmSync(`/tmp/perf-${gateway.process.pid}.map`, { force: true });
  }
}

const perRequest = (instructions: number) => Math.round(instructions / REQUESTS);
const format = (value: number) => value.toLocaleString('en-US').padStart(9);

function printProfile(label: string, profile: InstructionProfile): void {
  const { total, compiler, gc } = profile;
  console.log(`\n${label}: instructions per request (all threads)`);
  console.log(`  total               ${format(perRequest(total))}`);
  console.log(`  V8 compilers        ${format(perRequest(compiler))}`);
  console.log(`  garbage collection  ${format(perRequest(gc))}`);
  console.log(`  the rest            ${format(perRequest(total - compiler - gc))}`);
  console.log(`  top ${TOP} functions (self):`);
  for (const cost of profile.functions.slice(0, TOP))
    console.log(`  ${format(perRequest(cost.instructions))}  ${cost.name.slice(0, 110)}`);
}

function printDifferences(base: InstructionProfile, build: InstructionProfile): void {
  const before = new Map(base.functions.map((cost) => [cost.name, cost.instructions]));
  const after = new Map(build.functions.map((cost) => [cost.name, cost.instructions]));
  const names = new Set([...before.keys(), ...after.keys()]);
  const changes = [...names]
    .map((name) => ({ name, delta: (after.get(name) ?? 0) - (before.get(name) ?? 0) }))
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))
    .slice(0, TOP);
  const rest = (profile: InstructionProfile) => profile.total - profile.compiler - profile.gc;
  console.log(
    `\nthis build vs baseline, per request: total ${format(perRequest(build.total - base.total))}, ` +
      `the rest ${format(perRequest(rest(build) - rest(base)))} ` +
      `(${((rest(build) / rest(base) - 1) * 100).toFixed(1)}%)`,
  );
  console.log(
    `  largest differences by function (JIT code moves between runs: read the named ones):`,
  );
  for (const change of changes)
    console.log(`  ${format(perRequest(change.delta))}  ${change.name.slice(0, 110)}`);
}

async function main(): Promise<void> {
  requireValgrind();
  const directory = mkdtempSync(join(tmpdir(), 'gateway-instructions-'));
  const context: BenchContext = { directory, chunkDelayMs: 5 };
  try {
    const build = await profileBuild(process.cwd(), context, 'this build');
    printProfile('this build', build);
    if (command.values.baseline) {
      const base = await profileBuild(resolve(command.values.baseline), context, 'baseline');
      printProfile('baseline', base);
      printDifferences(base, build);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

runBench(main, { describeError: (error) => (error as Error).message });
