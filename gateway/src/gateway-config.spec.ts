import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@app/config';
import { loadGatewayConfig, loadGatewayConfigWithWarnings } from './gateway-config';

const idsOf = (env: Record<string, string>) =>
  loadGatewayConfig(env).providers.map((provider) => provider.id);
const providerOf = (env: Record<string, string>, id: string) =>
  loadGatewayConfig(env).providers.find((provider) => provider.id === id);

describe('loadGatewayConfig: providers from env vars', () => {
  it('configures no provider when nothing is set, and says what to set', () => {
    const { config, warnings } = loadGatewayConfigWithWarnings({});
    expect(config.providers).toEqual([]);
    expect(warnings.join()).toMatch(/OPENAI_API_KEY.*OLLAMA_BASE_URL/);
  });

  it('fails naming a bad provider variable', () => {
    expect(() => loadGatewayConfig({ OPENAI_BASE_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ OPENAI_BASE_URL: 'not a url' })).toThrow(/OPENAI_BASE_URL/);
    expect(() => loadGatewayConfig({ ANTHROPIC_MAX_TOKENS: '0' })).toThrow(
      /ANTHROPIC_MAX_TOKENS: must be at least 1/,
    );
    expect(() => loadGatewayConfig({ GEMINI_ENABLED: 'maybe' })).toThrow(/GEMINI_ENABLED/);
  });

  it('builds the default chain from the keys that are set, cloud first and local last', () => {
    const config = loadGatewayConfig({
      OLLAMA_BASE_URL: 'http://127.0.0.1:11434',
      OPENAI_API_KEY: 'sk-1',
      GITHUB_COPILOT_TOKEN: 'ghu_1',
      WORKER_LLM_MODEL_PATH: '/models/x.gguf',
    });
    expect(config.routing.defaultChain).toEqual(['copilot', 'openai', 'ollama', 'local']);
  });

  it('follows PROVIDER_ORDER, accepts aliases, skips unconfigured providers and rejects unknown ones', () => {
    const { config, warnings } = loadGatewayConfigWithWarnings({
      OPENAI_API_KEY: 'sk-1',
      LOCAL_ENABLED: 'true',
      PROVIDER_ORDER: 'local-worker, anthropic, openai',
    });
    expect(config.routing.defaultChain).toEqual(['local', 'openai']);
    expect(warnings.join()).toContain('anthropic');
    expect(() =>
      loadGatewayConfig({ OPENAI_API_KEY: 'sk', PROVIDER_ORDER: 'openai,opneai' }),
    ).toThrow(/PROVIDER_ORDER.*opneai/);
  });

  it('openai: a key alone means api.openai.com; OPENAI_BASE_URL any compatible server', () => {
    expect(providerOf({ OPENAI_API_KEY: 'sk' }, 'openai')).toEqual({
      id: 'openai',
      type: 'openai-compatible',
      aliases: [],
      headers: {},
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'sk',
      defaultModel: 'gpt-4o-mini',
      models: ['gpt-4o-mini', 'text-embedding-3-small'],
      embeddingModel: 'text-embedding-3-small',
      options: {},
    });
    expect(providerOf({ OPENAI_BASE_URL: 'http://127.0.0.1:9000/v1/' }, 'openai')).toMatchObject({
      baseUrl: 'http://127.0.0.1:9000/v1',
      apiKey: undefined,
    });
  });

  it('ollama: its own type, /v1 added to OLLAMA_BASE_URL, LOCAL_MODEL as the model', () => {
    expect(providerOf({ OLLAMA_BASE_URL: 'http://127.0.0.1:11434' }, 'ollama')).toMatchObject({
      type: 'ollama',
      baseUrl: 'http://127.0.0.1:11434/v1',
      defaultModel: 'llama3.2',
      models: ['llama3.2', 'nomic-embed-text'],
    });
    expect(
      providerOf(
        { OLLAMA_BASE_URL: 'http://127.0.0.1:11434/v1', LOCAL_MODEL: 'qwen2.5' },
        'ollama',
      ),
    ).toMatchObject({ baseUrl: 'http://127.0.0.1:11434/v1', defaultModel: 'qwen2.5' });
  });

  it('copilot: GITHUB_COPILOT_TOKEN with the default chat and token URLs', () => {
    expect(providerOf({ GITHUB_COPILOT_TOKEN: 'ghu' }, 'copilot')).toMatchObject({
      aliases: ['github-copilot'],
      baseUrl: 'https://api.githubcopilot.com',
      apiKey: 'ghu',
      defaultModel: 'gpt-4o',
      options: { tokenUrl: 'https://api.github.com/copilot_internal/v2/token' },
    });
  });

  it('azure: key, endpoint and deployment together, or a problem naming all three', () => {
    expect(
      providerOf(
        {
          AZURE_OPENAI_API_KEY: 'ak',
          AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com',
          AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-prod',
        },
        'azure',
      ),
    ).toMatchObject({
      aliases: ['azure-openai'],
      baseUrl: 'https://x.openai.azure.com',
      defaultModel: 'gpt-4o-prod',
      options: { deployment: 'gpt-4o-prod', apiVersion: '2024-10-21' },
    });
    expect(() => loadGatewayConfig({ AZURE_OPENAI_API_KEY: 'ak' })).toThrow(
      /AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT must be set together/,
    );
  });

  it('gemini: GEMINI_API_KEY unless GEMINI_ENABLED=false; enabled without a key is a problem', () => {
    expect(providerOf({ GEMINI_API_KEY: 'g' }, 'gemini')).toMatchObject({
      aliases: ['google'],
      defaultModel: 'gemini-2.5-flash',
      embeddingModel: 'text-embedding-004',
    });
    expect(idsOf({ GEMINI_API_KEY: 'g', GEMINI_ENABLED: 'false' })).toEqual([]);
    expect(() => loadGatewayConfig({ GEMINI_ENABLED: 'true' })).toThrow(
      /GEMINI_ENABLED=true needs GEMINI_API_KEY/,
    );
  });

  it('reads the Anthropic key from CLAUDE_API_KEY too, and honours CLAUDE_ENABLED=false', () => {
    expect(idsOf({ CLAUDE_API_KEY: 'k' })).toEqual(['anthropic']);
    expect(
      providerOf({ CLAUDE_API_KEY: 'k', ANTHROPIC_MAX_TOKENS: '1000' }, 'anthropic'),
    ).toMatchObject({
      aliases: ['claude'],
      apiKey: 'k',
      options: { maxTokens: 1000 },
    });
    expect(idsOf({ CLAUDE_API_KEY: 'k', CLAUDE_ENABLED: 'false' })).toEqual([]);
    expect(() => loadGatewayConfig({ CLAUDE_ENABLED: 'true' })).toThrow(
      /CLAUDE_ENABLED=true needs ANTHROPIC_API_KEY \(or CLAUDE_API_KEY\)/,
    );
  });

  it('bedrock: on with BEDROCK_ENABLED or BEDROCK_ENDPOINT, and then needs AWS_REGION', () => {
    expect(
      providerOf({ BEDROCK_ENABLED: 'true', AWS_REGION: 'us-east-1' }, 'bedrock'),
    ).toMatchObject({ aliases: ['aws-bedrock'], options: { region: 'us-east-1' } });
    expect(idsOf({ AWS_REGION: 'us-east-1' })).toEqual([]);
    expect(() => loadGatewayConfig({ BEDROCK_ENDPOINT: 'http://127.0.0.1:9' })).toThrow(
      /AWS_REGION must be set when Bedrock is enabled/,
    );
  });

  it('local: on with LOCAL_ENABLED or a model path, serving the worker’s model names', () => {
    expect(providerOf({ WORKER_LLM_MODEL_PATH: '/m.gguf' }, 'local')).toMatchObject({
      aliases: ['local-worker'],
      defaultModel: 'local-llm',
      models: ['local-llm', 'local-embeddings', 'Xenova/all-MiniLM-L6-v2'],
      embeddingModel: 'local-embeddings',
    });
    expect(idsOf({ WORKER_LLM_MODEL_PATH: '/m.gguf', LOCAL_ENABLED: 'false' })).toEqual([]);
  });

  it('defaults Anthropic to its current Sonnet', () => {
    expect(loadGatewayConfig({ ANTHROPIC_API_KEY: 'k' }).providers[0].defaultModel).toBe(
      'claude-sonnet-5-5',
    );
  });

  it('gives Azure an embedding deployment of its own when AZURE_OPENAI_EMBEDDING_DEPLOYMENT is set', () => {
    const azure = {
      AZURE_OPENAI_API_KEY: 'k',
      AZURE_OPENAI_ENDPOINT: 'https://example.openai.azure.com',
      AZURE_OPENAI_DEPLOYMENT: 'chat',
    };
    const chatOnly = loadGatewayConfig(azure).providers[0];
    expect(chatOnly).toMatchObject({ defaultModel: 'chat', models: ['chat'] });
    expect(chatOnly.embeddingModel).toBeUndefined();
    expect(
      loadGatewayConfig({
        ...azure,
        AZURE_OPENAI_EMBEDDING_DEPLOYMENT: 'embed',
        AZURE_OPENAI_API_VERSION: 'v1',
      }).providers[0],
    ).toMatchObject({
      models: ['chat', 'embed'],
      embeddingModel: 'embed',
      options: { deployment: 'chat', embeddingDeployment: 'embed', apiVersion: 'v1' },
    });
  });
});

describe('loadGatewayConfig: GATEWAY_CONFIG (YAML)', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'gateway-config-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const write = (text: string) => {
    const path = join(directory, 'gateway.yaml');
    writeFileSync(path, text);
    return path;
  };

  it('adds an openai-compatible provider with its key from an env var, routes and prices', () => {
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
    const config = loadGatewayConfig({
      GATEWAY_CONFIG: path,
      TOGETHER_API_KEY: 'tk',
      OPENAI_API_KEY: 'sk',
    });
    expect(config.providers.find((provider) => provider.id === 'together')).toMatchObject({
      type: 'openai-compatible',
      baseUrl: 'https://api.together.xyz/v1',
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

  it('accepts type: ollama (local tier, /v1 added) after the cloud providers in the chain', () => {
    const path = write(`
providers:
  box:
    type: ollama
    base_url: http://10.0.0.5:11434
    models: [qwen2.5]
`);
    const config = loadGatewayConfig({ GATEWAY_CONFIG: path, OPENAI_API_KEY: 'sk' });
    expect(config.providers.find((provider) => provider.id === 'box')).toMatchObject({
      type: 'ollama',
      baseUrl: 'http://10.0.0.5:11434/v1',
    });
    expect(config.routing.defaultChain).toEqual(['openai', 'box']);
  });

  it('validates each type’s options, naming the field', () => {
    const path = write(`
providers:
  claude2:
    type: anthropic
    api_key_env: K
    models: [claude-x]
    options: { maxTokens: lots }
  azure2:
    type: azure
    base_url: https://x.openai.azure.com
    models: [d]
    options: { deploymnt: d }
`);
    const message = (() => {
      try {
        loadGatewayConfig({ GATEWAY_CONFIG: path, K: 'k' });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/providers\.claude2\.options\.maxTokens: must be a whole number/);
    expect(message).toMatch(/providers\.azure2\.options: Unrecognized key: "deploymnt"/);
  });

  it('names every provider type this build offers when the type is unknown', () => {
    const path = write('providers:\n  x:\n    type: opneai\n    models: [m]\n');
    expect(() => loadGatewayConfig({ GATEWAY_CONFIG: path })).toThrow(
      /providers\.x\.type: must be one of: copilot, openai-compatible, azure, gemini, anthropic, bedrock, ollama, local/,
    );
  });

  it('fails naming the missing key variable and unknown fields', () => {
    const path = write(
      'providers:\n  x:\n    type: openai-compatible\n    api_key_env: X_KEY\n    models: [m]\n',
    );
    expect(() => loadGatewayConfig({ GATEWAY_CONFIG: path })).toThrow(/X_KEY/);
    const typo = write('routes:\n  a: [openai]\nrouts: {}\n');
    expect(() => loadGatewayConfig({ GATEWAY_CONFIG: typo, OPENAI_API_KEY: 'k' })).toThrow(
      /GATEWAY_CONFIG/,
    );
  });
});
