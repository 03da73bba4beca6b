import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const DIST = join(__dirname, '../../dist/gateway/src');
/** Modules of the adapters with large SDKs, and the SDKs (Gemini's loads on its first call). */
const ADAPTERS = [
  '/providers/anthropic/anthropic.provider.js',
  '/providers/gemini/gemini.provider.js',
  '/providers/bedrock/bedrock.provider.js',
];
const SDKS = [
  '/node_modules/@anthropic-ai/sdk/',
  '/node_modules/@aws-sdk/client-bedrock-runtime/',
  '/node_modules/@google/genai/',
];

/**
 * Boots the compiled gateway app (not listening) in a fresh process with `env`, and answers which
 * of those modules its module cache holds. Descriptors build adapters with a lazy `require`, so an
 * unconfigured provider's SDK must never load (idle memory: bench:overhead measures it).
 */
function modulesLoadedBy(env: Record<string, string>): string[] {
  const script = `
    const { createGatewayApp } = require(${JSON.stringify(join(DIST, 'bootstrap.js'))});
    const { loadGatewayConfig } = require(${JSON.stringify(join(DIST, 'gateway-config.js'))});
    const pino = require('pino');
    (async () => {
      const app = await createGatewayApp(loadGatewayConfig(process.env), pino({ level: 'silent' }));
      await app.init();
      const watched = ${JSON.stringify([...ADAPTERS, ...SDKS])};
      const loaded = watched.filter((module) =>
        Object.keys(require.cache).some((path) => path.includes(module)),
      );
      await app.close();
      process.stdout.write(JSON.stringify(loaded));
    })().catch((error) => { process.stderr.write(String(error && error.stack)); process.exit(1); });
  `;
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: join(__dirname, '../..'),
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', CACHE_ENABLED: 'false', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`gateway process failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}

describe('provider adapters load lazily', () => {
  it('a gateway in front of an OpenAI-compatible server loads no other adapter or SDK', () => {
    expect(modulesLoadedBy({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' })).toEqual([]);
  });

  it('configuring Anthropic, Gemini and Bedrock loads their adapters', () => {
    expect(
      modulesLoadedBy({
        ANTHROPIC_API_KEY: 'k',
        GEMINI_API_KEY: 'k',
        BEDROCK_ENABLED: 'true',
        AWS_REGION: 'us-east-1',
      }),
    ).toEqual(expect.arrayContaining([...ADAPTERS, SDKS[0], SDKS[1]]));
  });
});
