import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, loadConfigWithWarnings } from './index';

describe('loadConfig', () => {
  it('applies defaults: PORT 8080 on 127.0.0.1, breaker 3 failures / 30 s', () => {
    const config = loadConfig({});
    expect(config.server).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      maxBodyBytes: 4 * 1024 * 1024,
    });
    expect(config.routing).toMatchObject({ failureThreshold: 3, recoveryTimeoutMs: 30_000 });
    expect(config.providers).toEqual([]);
  });

  it('fails naming the variable when a number is not a number', () => {
    expect(() => loadConfig({ FAILURE_THRESHOLD: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ FAILURE_THRESHOLD: 'abc' })).toThrow(/FAILURE_THRESHOLD/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ CACHE_ENABLED: 'maybe' })).toThrow(/CACHE_ENABLED/);
    expect(() => loadConfig({ OPENAI_BASE_URL: 'not a url' })).toThrow(/OPENAI_BASE_URL/);
  });

  it('builds the default chain from the keys that are set, cloud first and local last', () => {
    const config = loadConfig({
      OLLAMA_BASE_URL: 'http://127.0.0.1:11434',
      OPENAI_API_KEY: 'sk-1',
      GITHUB_COPILOT_TOKEN: 'ghu_1',
      WORKER_LLM_MODEL_PATH: '/models/x.gguf',
    });
    expect(config.routing.defaultChain).toEqual(['copilot', 'openai', 'ollama', 'local']);
    expect(config.providers.find((provider) => provider.id === 'ollama')?.baseUrl).toBe(
      'http://127.0.0.1:11434/v1',
    );
  });

  it('follows PROVIDER_ORDER, accepts aliases, skips unconfigured providers and rejects unknown ones', () => {
    const { config, warnings } = loadConfigWithWarnings({
      OPENAI_API_KEY: 'sk-1',
      LOCAL_ENABLED: 'true',
      PROVIDER_ORDER: 'local-worker, anthropic, openai',
    });
    expect(config.routing.defaultChain).toEqual(['local', 'openai']);
    expect(warnings.join()).toContain('anthropic');
    expect(() => loadConfig({ OPENAI_API_KEY: 'sk', PROVIDER_ORDER: 'openai,opneai' })).toThrow(
      /PROVIDER_ORDER.*opneai/,
    );
  });

  it('reads the Anthropic key from CLAUDE_API_KEY too, and honours CLAUDE_ENABLED=false', () => {
    expect(loadConfig({ CLAUDE_API_KEY: 'k' }).providers.map((provider) => provider.id)).toEqual([
      'anthropic',
    ]);
    expect(loadConfig({ CLAUDE_API_KEY: 'k', CLAUDE_ENABLED: 'false' }).providers).toEqual([]);
  });

  describe('GATEWAY_CONFIG (YAML)', () => {
    let directory: string;
    beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'gateway-config-'))));
    afterEach(() => rmSync(directory, { recursive: true, force: true }));

    const write = (text: string) => {
      const path = join(directory, 'gateway.yaml');
      writeFileSync(path, text);
      return path;
    };

    it('adds providers with keys from env vars, routes and prices', () => {
      const path = write(`
providers:
  together:
    type: openai-compatible
    base_url: https://api.together.xyz/v1
    api_key_env: TOGETHER_API_KEY
    models: [llama-70b]
routes:
  smart: [openai/gpt-4o, together]
prices:
  llama-70b: { input: 0.9, output: 0.9 }
`);
      const config = loadConfig({
        GATEWAY_CONFIG: path,
        TOGETHER_API_KEY: 'tk',
        OPENAI_API_KEY: 'sk',
      });
      expect(config.providers.find((provider) => provider.id === 'together')).toMatchObject({
        apiKey: 'tk',
        defaultModel: 'llama-70b',
      });
      expect(config.routing.routes).toEqual([
        {
          alias: 'smart',
          targets: [
            { provider: 'openai', model: 'gpt-4o' },
            { provider: 'together', model: undefined },
          ],
        },
      ]);
      expect(config.routing.defaultChain).toEqual(['openai', 'together']);
      expect(config.controls.prices['llama-70b']).toEqual({ input: 0.9, output: 0.9 });
    });

    it('fails naming the missing key variable and unknown fields', () => {
      const path = write(
        'providers:\n  x:\n    type: openai-compatible\n    api_key_env: X_KEY\n    models: [m]\n',
      );
      expect(() => loadConfig({ GATEWAY_CONFIG: path })).toThrow(/X_KEY/);
      const typo = write('routes:\n  a: [openai]\nrouts: {}\n');
      expect(() => loadConfig({ GATEWAY_CONFIG: typo, OPENAI_API_KEY: 'k' })).toThrow(
        /GATEWAY_CONFIG/,
      );
    });
  });
  describe('durable state', () => {
    it('keeps tenants in SQLite under DATA_DIR, WORKER_DATA_DIR being its old name', () => {
      expect(loadConfig({}).persistence).toMatchObject({
        databaseUrl: undefined,
        dataDir: './data',
        sqlitePath: join('./data', 'gateway.sqlite'),
      });
      expect(loadConfig({ WORKER_DATA_DIR: '/old' }).persistence.dataDir).toBe('/old');
      const both = loadConfig({ DATA_DIR: '/new', WORKER_DATA_DIR: '/old' });
      expect(both.persistence.sqlitePath).toBe(join('/new', 'gateway.sqlite'));
      expect(both.worker.dataDir).toBe('/new');
    });

    it('accepts only a PostgreSQL DATABASE_URL, naming the variable otherwise', () => {
      expect(
        loadConfig({ DATABASE_URL: 'postgres://gateway@db:5432/gateway' }).persistence.databaseUrl,
      ).toBe('postgres://gateway@db:5432/gateway');
      expect(() => loadConfig({ DATABASE_URL: 'mysql://db/x' })).toThrow(/DATABASE_URL/);
      expect(() => loadConfig({ USAGE_BATCH_SIZE: '0' })).toThrow(/USAGE_BATCH_SIZE/);
    });
  });
});
