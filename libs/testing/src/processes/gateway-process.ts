import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Tests and benchmarks run from the repository root. */
const GATEWAY_MAIN = join(process.cwd(), 'dist', 'gateway', 'src', 'main.js');

/**
 * A gateway started from the compiled app (`npm run build`), as in production: a real process
 * with its own event loop, signals and exit code. For tests that must see what a separate client
 * sees (connection resets, shutdown timing), which an in-process app would hide.
 */
export class GatewayProcess {
  private readonly exited: Promise<number | null>;
  /** Everything the process wrote to stdout and stderr (JSON log lines). */
  output = '';
  /** When the process exited (epoch ms), once it has. */
  exitedAt: number | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    output: string,
  ) {
    this.output = output;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitedAt = Date.now();
        resolve(code);
      }),
    );
    const collect = (data: Buffer) => (this.output += data.toString());
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the process wrote so far (JSON log lines). */
  get logs(): string {
    return this.output;
  }

  /** The log lines written so far with this message (`"msg"`, e.g. `request`), parsed. */
  logLines(msg: string): Record<string, unknown>[] {
    const field = `"msg":${JSON.stringify(msg)}`;
    return this.output
      .split('\n')
      .filter((text) => text.includes(field))
      .map((text) => JSON.parse(text) as Record<string, unknown>);
  }

  /**
   * Starts a gateway on a free port with exactly `env` (plus PORT=0); resolves once it logs that it
   * listens (so LOG_LEVEL must be info or finer). Without DATA_DIR, WORKER_DATA_DIR or
   * DATABASE_URL in `env` it gets a data directory of its own (its SQLite file: tenants created
   * by other tests must not lock it), removed when it exits; pass DATA_DIR to restart a gateway on
   * the same records.
   */
  static async start(env: Record<string, string>, timeoutMs = 30_000): Promise<GatewayProcess> {
    if (!existsSync(GATEWAY_MAIN))
      throw new Error(`${GATEWAY_MAIN} is missing: run \`npm run build\` first`);
    const ownDataDir =
      env.DATA_DIR || env.WORKER_DATA_DIR || env.DATABASE_URL
        ? undefined
        : mkdtempSync(join(tmpdir(), 'gateway-process-'));
    const child = spawn(process.execPath, [GATEWAY_MAIN], {
      cwd: process.cwd(),
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...(ownDataDir && { DATA_DIR: ownDataDir }),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (ownDataDir) child.once('exit', () => rmSync(ownDataDir, { recursive: true, force: true }));
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`gateway did not start in ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      const onData = (data: Buffer) => {
        output += data.toString();
        const match = /"port":(\d+)[^\n]*"msg":"gateway listening"/.exec(output);
        if (match) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          child.stderr!.off('data', onData);
          resolve(Number(match[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`gateway exited with ${code} before listening:\n${output}`));
      });
    });
    return new GatewayProcess(child, `http://127.0.0.1:${port}`, output);
  }

  /** Sends a signal (SIGTERM for a graceful stop, SIGKILL for a crash). */
  signal(signal: NodeJS.Signals): void {
    if (this.running) process.kill(this.pid, signal);
  }

  /** Resolves with the exit code once the process has exited. */
  exit(): Promise<number | null> {
    return this.exited;
  }

  /** SIGTERM, then the exit code. */
  async stop(): Promise<number | null> {
    this.signal('SIGTERM');
    return this.exited;
  }

  /** SIGKILL, for cleanup after a test. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }
}
