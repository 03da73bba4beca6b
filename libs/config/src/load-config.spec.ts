import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  envString,
  envStringOr,
  envUrl,
  loadConfig,
  loadConfigWithWarnings,
  loadCoreConfig,
  providerEnvSchema,
  type ProviderConfigDescriptor,
} from './index';

/**
 * The loader's mechanics with two small descriptors of this spec's own (libs/config never sees
 * the gateway's); `gateway/src/gateway-config.spec.ts` covers every real provider's variables.
 */
const remoteEnv = { REMOTE_KEY: envString(), REMOTE_MODEL: envStringOr('remote-1') };
const remoteDescriptor: ProviderConfigDescriptor<{ region?: string }, typeof remoteEnv> = {
  type: 'remote',
  id: 'remote',
  aliases: ['far'],
  tier: 'cloud',
  billed: true,
  env: remoteEnv,
  fromEnv(env, problems) {
    const key = env.REMOTE_KEY;
    if (key === 'bad') problems.push('REMOTE_KEY: must not be bad');
    if (!key || key === 'bad') return undefined;
    return { apiKey: key, defaultModel: env.REMOTE_MODEL, options: {} };
  },
  settings: z.object({ region: z.string().min(2).optional() }).strict(),
};
const nearbyEnv = { NEARBY_URL: envUrl() };
const nearbyDescriptor: ProviderConfigDescriptor<Record<string, never>, typeof nearbyEnv> = {
  type: 'nearby',
  id: 'nearby',
  aliases: [],
  tier: 'local',
  billed: false,
  env: nearbyEnv,
  fromEnv: (env) =>
    env.NEARBY_URL
      ? { baseUrl: env.NEARBY_URL, defaultModel: 'small', models: ['small', 'embed'], options: {} }
      : undefined,
  settings: z.object({}).strict(),
  resolveBaseUrl: (configured) => `${configured ?? 'http://127.0.0.1:1'}/api`,
};
// Listed local first: the default chain orders by tier, not by list position across tiers.
const DESCRIPTORS: ProviderConfigDescriptor[] = [nearbyDescriptor, remoteDescriptor];

describe('loadCoreConfig (the worker)', () => {
  it('applies defaults: PORT 8080 on 127.0.0.1, breaker 3 failures / 30 s', () => {
    const config = loadCoreConfig({});
    expect(config.server).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      maxBodyBytes: 4 * 1024 * 1024,
    });
    expect(config.routing).toMatchObject({ failureThreshold: 3, recoveryTimeoutMs: 30_000 });
    expect(config.providers).toEqual([]);
  });

  it('fails naming the variable when a number is not a number', () => {
    expect(() => loadCoreConfig({ FAILURE_THRESHOLD: 'abc' })).toThrow(ConfigError);
    expect(() => loadCoreConfig({ FAILURE_THRESHOLD: 'abc' })).toThrow(/FAILURE_THRESHOLD/);
    expect(() => loadCoreConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadCoreConfig({ CACHE_ENABLED: 'maybe' })).toThrow(/CACHE_ENABLED/);
    expect(() => loadCoreConfig({ RAG_CHUNK_SIZE: '64', RAG_CHUNK_OVERLAP: '64' })).toThrow(
      /RAG_CHUNK_OVERLAP/,
    );
  });

  it('reads no provider, PROVIDER_ORDER or GATEWAY_CONFIG: those are the gateway’s', () => {
    const config = loadCoreConfig({
      OPENAI_BASE_URL: 'not a url',
      PROVIDER_ORDER: 'openai,nothing-known',
      GATEWAY_CONFIG: '/nonexistent/gateway.yaml',
      LOCAL_CHAT_MODEL: 'my-llm',
    });
    expect(config.providers).toEqual([]);
    expect(config.routing.defaultChain).toEqual([]);
    expect(config.worker.chatModelName).toBe('my-llm');
  });
});

describe('loadConfig with provider descriptors', () => {
  it('parses core and descriptor variables in one pass, naming every bad one', () => {
    expect(() => loadConfig({ NEARBY_URL: 'nope', PORT: 'x' }, DESCRIPTORS)).toThrow(
      /PORT: must be a whole number[\s\S]*NEARBY_URL: must be a URL/,
    );
  });

  it('completes what fromEnv returns with the descriptor id, type, aliases and models', () => {
    const config = loadConfig({ REMOTE_KEY: 'k', NEARBY_URL: 'http://127.0.0.1:9/' }, DESCRIPTORS);
    expect(config.providers).toEqual([
      {
        id: 'nearby',
        type: 'nearby',
        aliases: [],
        headers: {},
        baseUrl: 'http://127.0.0.1:9',
        defaultModel: 'small',
        models: ['small', 'embed'],
        options: {},
      },
      {
        id: 'remote',
        type: 'remote',
        aliases: ['far'],
        headers: {},
        apiKey: 'k',
        defaultModel: 'remote-1',
        models: ['remote-1'],
        options: {},
      },
    ]);
  });

  it('collects the problems fromEnv reports', () => {
    expect(() => loadConfig({ REMOTE_KEY: 'bad' }, DESCRIPTORS)).toThrow(
      /REMOTE_KEY: must not be bad/,
    );
  });

  it('orders the default chain copilot, cloud, local whatever the list order', () => {
    const config = loadConfig({ REMOTE_KEY: 'k', NEARBY_URL: 'http://127.0.0.1:9' }, DESCRIPTORS);
    expect(config.routing.defaultChain).toEqual(['remote', 'nearby']);
  });

  it('warns about known but unconfigured names in PROVIDER_ORDER and rejects unknown ones', () => {
    const { config, warnings } = loadConfigWithWarnings(
      { NEARBY_URL: 'http://127.0.0.1:9', PROVIDER_ORDER: 'far, nearby' },
      DESCRIPTORS,
    );
    expect(config.routing.defaultChain).toEqual(['nearby']);
    expect(warnings.join()).toContain("'far'");
    expect(() =>
      loadConfig(
        { NEARBY_URL: 'http://127.0.0.1:9', PROVIDER_ORDER: 'nearby,naerby' },
        DESCRIPTORS,
      ),
    ).toThrow(/PROVIDER_ORDER: unknown provider 'naerby'/);
  });

  it('refuses a variable two descriptors declare', () => {
    const twin = { ...nearbyDescriptor, type: 'twin', id: 'twin' };
    expect(() => providerEnvSchema([nearbyDescriptor, twin])).toThrow(/NEARBY_URL.*twice/);
    const core = { ...nearbyDescriptor, env: { PORT: envString() } };
    expect(() => providerEnvSchema([core])).toThrow(/PORT.*twice/);
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

    it('adds providers of the descriptors’ types, with keys from env vars, routes and prices', () => {
      const path = write(`
providers:
  extra:
    type: remote
    api_key_env: EXTRA_KEY
    models: [big]
    options: { region: eu-west }
  box:
    type: nearby
    default_model: tiny
routes:
  smart: [remote/remote-2, extra]
prices:
  big: { input: 0.9, output: 0.9 }
`);
      const config = loadConfig(
        { GATEWAY_CONFIG: path, EXTRA_KEY: 'ek', REMOTE_KEY: 'rk' },
        DESCRIPTORS,
      );
      expect(config.providers.find((provider) => provider.id === 'extra')).toMatchObject({
        type: 'remote',
        apiKey: 'ek',
        defaultModel: 'big',
        options: { region: 'eu-west' },
      });
      // resolveBaseUrl gives the descriptor's default and normalisation.
      expect(config.providers.find((provider) => provider.id === 'box')?.baseUrl).toBe(
        'http://127.0.0.1:1/api',
      );
      expect(config.routing.routes).toEqual([
        {
          alias: 'smart',
          targets: [
            { provider: 'remote', model: 'remote-2' },
            { provider: 'extra', model: undefined },
          ],
        },
      ]);
      // Cloud before local; within a tier the env provider, then the YAML-only ones.
      expect(config.routing.defaultChain).toEqual(['remote', 'extra', 'box']);
      expect(config.controls.prices.big).toEqual({ input: 0.9, output: 0.9 });
    });

    it('names the types the descriptors offer, and the option field that is wrong', () => {
      const unknownType = write('providers:\n  x:\n    type: openai\n    models: [m]\n');
      expect(() => loadConfig({ GATEWAY_CONFIG: unknownType }, DESCRIPTORS)).toThrow(
        /providers\.x\.type: must be one of: nearby, remote/,
      );
      const badOption = write(
        'providers:\n  x:\n    type: remote\n    models: [m]\n    options: { region: e }\n',
      );
      expect(() => loadConfig({ GATEWAY_CONFIG: badOption }, DESCRIPTORS)).toThrow(
        /providers\.x\.options\.region: /,
      );
      const unknownOption = write(
        'providers:\n  x:\n    type: nearby\n    models: [m]\n    options: { region: eu }\n',
      );
      expect(() => loadConfig({ GATEWAY_CONFIG: unknownOption }, DESCRIPTORS)).toThrow(
        /providers\.x\.options: Unrecognized key: "region"/,
      );
    });

    it('fails naming the missing key variable and unknown fields', () => {
      const path = write(
        'providers:\n  x:\n    type: remote\n    api_key_env: X_KEY\n    models: [m]\n',
      );
      expect(() => loadConfig({ GATEWAY_CONFIG: path }, DESCRIPTORS)).toThrow(/X_KEY/);
      const typo = write('routes:\n  a: [remote]\nrouts: {}\n');
      expect(() => loadConfig({ GATEWAY_CONFIG: typo, REMOTE_KEY: 'k' }, DESCRIPTORS)).toThrow(
        /GATEWAY_CONFIG/,
      );
    });
  });
  describe('durable state', () => {
    it('keeps tenants in SQLite under DATA_DIR, WORKER_DATA_DIR being its old name', () => {
      expect(loadConfig({}, DESCRIPTORS).persistence).toMatchObject({
        databaseUrl: undefined,
        dataDir: './data',
        sqlitePath: join('./data', 'gateway.sqlite'),
        sqliteCacheSizeKb: 2048,
      });
      expect(
        loadConfig({ SQLITE_CACHE_SIZE_KB: '8192' }, DESCRIPTORS).persistence.sqliteCacheSizeKb,
      ).toBe(8192);
      expect(() => loadConfig({ SQLITE_CACHE_SIZE_KB: '1' }, DESCRIPTORS)).toThrow(
        /SQLITE_CACHE_SIZE_KB/,
      );
      expect(loadConfig({ WORKER_DATA_DIR: '/old' }, DESCRIPTORS).persistence.dataDir).toBe('/old');
      const both = loadConfig({ DATA_DIR: '/new', WORKER_DATA_DIR: '/old' }, DESCRIPTORS);
      expect(both.persistence.sqlitePath).toBe(join('/new', 'gateway.sqlite'));
      expect(both.worker.dataDir).toBe('/new');
    });

    it('accepts only a PostgreSQL DATABASE_URL, naming the variable otherwise', () => {
      expect(
        loadConfig({ DATABASE_URL: 'postgres://gateway@db:5432/gateway' }, DESCRIPTORS).persistence
          .databaseUrl,
      ).toBe('postgres://gateway@db:5432/gateway');
      expect(() => loadConfig({ DATABASE_URL: 'mysql://db/x' }, DESCRIPTORS)).toThrow(
        /DATABASE_URL/,
      );
      expect(() => loadConfig({ USAGE_BATCH_SIZE: '0' }, DESCRIPTORS)).toThrow(/USAGE_BATCH_SIZE/);
    });
  });
});
