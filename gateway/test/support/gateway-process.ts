import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

const GATEWAY_MAIN = join(process.cwd(), 'dist', 'gateway', 'src', 'main.js');

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The compiled gateway (`npm run build`) as a real process, as `npm start` runs it: for tests
 * that restart it cleanly (SIGTERM) or kill it (SIGKILL) and look at what survived.
 */
export class GatewayProcess {
  private output = '';
  private readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const collect = (data: Buffer) => (this.output += data.toString());
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
  }

  static async start(env: Record<string, string>, timeoutMs = 30_000): Promise<GatewayProcess> {
    if (!existsSync(GATEWAY_MAIN))
      throw new Error(`${GATEWAY_MAIN} is missing: run \`npm run build\` first`);
    const port = await freePort();
    const child = spawn(process.execPath, [GATEWAY_MAIN], {
      cwd: process.cwd(),
      // Only what the test passes (plus PATH): no REDIS_URL or keys from the shell.
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'info',
        ...env,
        HOST: '127.0.0.1',
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const gateway = new GatewayProcess(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + timeoutMs;
    while (!gateway.output.includes('"msg":"gateway listening"')) {
      if (child.exitCode !== null) throw new Error(`gateway exited at boot:\n${gateway.output}`);
      if (Date.now() > deadline)
        throw new Error(`gateway did not listen in ${timeoutMs} ms:\n${gateway.output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return gateway;
  }

  get logs(): string {
    return this.output;
  }

  /** SIGTERM: the graceful shutdown a deploy or `docker stop` does; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** SIGKILL: no shutdown hook runs, as in a crash or an OOM kill. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
