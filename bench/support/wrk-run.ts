import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './bench-process';

export const WRK = '/usr/bin/wrk';

export interface WrkResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  non2xxOr3xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  output: string;
}

/**
 * A wrk Lua script that POSTs `body` with `headers`. Lua long brackets hold the JSON verbatim
 * (a quoted Lua string would need its own escaping). No `response()` callback: defining one makes
 * wrk parse every response in Lua, which would slow the load generator down.
 */
export function writeWrkScript(
  directory: string,
  name: string,
  body: string,
  headers: Record<string, string>,
): string {
  if (body.includes(']==]')) throw new Error('request body cannot sit in a Lua long bracket');
  const lines = [
    'wrk.method = "POST"',
    `wrk.body = [==[${body}]==]`,
    ...Object.entries(headers).map(
      ([header, value]) => `wrk.headers[ [==[${header}]==] ] = [==[${value}]==]`,
    ),
  ];
  const path = join(directory, `${name}.lua`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function durationSeconds(value: string, unit: string): number {
  const factor = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 }[unit] ?? 1;
  return Number(value) * factor;
}

export function parseWrkOutput(output: string): WrkResult {
  const summary = /(\d+) requests in ([\d.]+)(us|ms|s|m|h)/.exec(output);
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (!summary || !rate) throw new Error(`unexpected wrk output:\n${output}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    output,
  );
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  return {
    requests: Number(summary[1]),
    seconds: durationSeconds(summary[2], summary[3]),
    requestsPerSecond: Number(rate[1]),
    non2xxOr3xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: {
      connect: Number(socket?.[1] ?? 0),
      read: Number(socket?.[2] ?? 0),
      write: Number(socket?.[3] ?? 0),
      timeout: Number(socket?.[4] ?? 0),
    },
    output,
  };
}

/** One wrk thread (the load generator has one core) and `connections` keep-alive connections. */
export async function runWrk(options: {
  url: string;
  script: string;
  connections: number;
  seconds: number;
  core: number | undefined;
}): Promise<WrkResult> {
  const { code, stdout, stderr } = await runCommand(
    WRK,
    [
      '-t1',
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      '--timeout',
      '10s',
      '-s',
      options.script,
      options.url,
    ],
    options.core,
    (options.seconds + 30) * 1000,
  );
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${stdout}${stderr}`);
  return parseWrkOutput(stdout);
}

/** Throws naming the setup when any request failed: a fast error page is not throughput. */
export function assertAllSucceeded(setup: string, result: WrkResult): void {
  const { connect, read, write, timeout } = result.socketErrors;
  const errors = connect + read + write + timeout;
  if (result.non2xxOr3xx > 0 || errors > 0 || result.requests === 0)
    throw new Error(
      `${setup}: wrk saw ${result.non2xxOr3xx} non-2xx/3xx answers and ${errors} socket errors ` +
        `in ${result.requests} requests:\n${result.output}`,
    );
}
