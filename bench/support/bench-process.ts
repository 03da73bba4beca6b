import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const TASKSET = '/usr/bin/taskset';

/** Every child a bench starts, so an error, Ctrl-C or an early exit still stops each of them. */
const started = new Set<ChildProcess>();

/** Kills every child still running (SIGKILL, synchronous: safe inside a process 'exit' handler). */
export function killEveryChildNow(): void {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * Runs a bench's `main` and ends the process with its outcome (exit code 0, or 1 after printing
 * the error, `describeError`'s text if given). Every child it started is stopped whatever happens:
 * on exit, on error, and on Ctrl-C or SIGTERM, which then awaits `onInterrupt` (a message naming
 * kept logs, a bounded cleanup) and exits with 130.
 */
export function runBench(
  main: () => Promise<void>,
  options: {
    onInterrupt?: () => unknown;
    describeError?: (error: unknown) => unknown;
  } = {},
): void {
  process.once('exit', killEveryChildNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      killEveryChildNow();
      void Promise.resolve(options.onInterrupt?.()).finally(() => process.exit(130));
    });
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(options.describeError ? options.describeError(error) : error);
      killEveryChildNow();
      process.exit(1);
    },
  );
}

/** Pins this process (all its threads) to `core`, so the orchestrator stays off the measured core. */
export function pinThisProcess(core: number | undefined): void {
  if (core !== undefined)
    execFileSync(TASKSET, ['-a', '-p', '-c', String(core), String(process.pid)], {
      stdio: 'ignore',
    });
}

/** Clock ticks per second of /proc/PID/stat's utime and stime (`getconf CLK_TCK`, almost always 100). */
const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

function pinned(core: number | undefined, command: string, args: string[]): [string, string[]] {
  if (core === undefined) return [command, args];
  if (!existsSync(TASKSET))
    throw new Error(`${TASKSET} is missing (util-linux): cannot pin to a core`);
  // taskset execs the command, so the child's PID is the command's own PID (its /proc entry).
  return [TASKSET, ['-c', String(core), command, ...args]];
}

export interface ServerProcessOptions {
  /** Shown in errors. */
  name: string;
  command: string;
  args: string[];
  /** CPU core to pin to; undefined leaves it to the scheduler. */
  core?: number;
  env: NodeJS.ProcessEnv;
  /** Working directory; this process's by default (another build of the gateway runs in its own). */
  cwd?: string;
  /** stdout and stderr go to this file (a pipe would cost the orchestrator CPU under load). */
  logFile: string;
}

/** A long-running server child (upstream, proxy, gateway) with its CPU time and RSS from /proc. */
export class ServerProcess {
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static start(options: ServerProcessOptions): ServerProcess {
    const [command, args] = pinned(options.core, options.command, options.args);
    const log = openSync(options.logFile, 'a');
    const child = spawn(command, args, {
      cwd: options.cwd ?? process.cwd(),
      env: options.env,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    started.add(child);
    child.once('exit', () => started.delete(child));
    return new ServerProcess(child, options.name, options.logFile);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** utime + stime of every thread, in seconds. */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  }

  /** Resident set size (VmRSS) in bytes; 0 once the process is gone (the run then fails elsewhere). */
  rssBytes(): number {
    if (!this.running) return 0;
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  }

  /** The last lines of its output, for error messages. */
  logTail(characters = 2000): string {
    const text = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
    return text.slice(-characters);
  }

  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Polls `check` until it returns true; fails at once if the process dies, naming its output. */
  async waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError = '';
    while (Date.now() < deadline) {
      if (!this.running)
        throw new Error(`${this.name} exited before ${what}; its output:\n${this.logTail()}`);
      try {
        if (await check()) return;
      } catch (error) {
        lastError = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `${this.name}: timed out after ${timeoutMs} ms waiting for ${what} (${lastError}); its output:\n${this.logTail()}`,
    );
  }
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a short-lived command (wrk, the latency client) pinned to `core`, collecting its output. */
export function runCommand(
  command: string,
  args: string[],
  core: number | undefined,
  timeoutMs: number,
): Promise<CommandResult> {
  const [pinnedCommand, pinnedArgs] = pinned(core, command, args);
  const child = spawn(pinnedCommand, pinnedArgs, {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} ran longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      started.delete(child);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      started.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A port nothing listens on right now (the child binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command pinned to `core`, handing each line of its stdout to `onLine` as it comes. */
export function runStreamingLines(
  command: string,
  args: string[],
  core: number | undefined,
  onLine: (line: string) => void,
): Promise<CommandResult> {
  const [pinnedCommand, pinnedArgs] = pinned(core, command, args);
  const child = spawn(pinnedCommand, pinnedArgs, {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let pending = '';
  let stderr = '';
  child.stdout!.on('data', (data: Buffer) => {
    const lines = (pending + data.toString()).split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.trim()) onLine(line);
  });
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      started.delete(child);
      reject(error);
    });
    child.once('close', (code) => {
      started.delete(child);
      if (pending.trim()) onLine(pending);
      resolve({ code, stdout: '', stderr });
    });
  });
}
