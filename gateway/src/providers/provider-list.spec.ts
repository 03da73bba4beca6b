import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError, type ChatCompletionRequest } from '@app/contracts';
import {
  coreEnvShape,
  PROVIDER_TIERS,
  providerEnvSchema,
  type ProviderConfig,
  type RoutingConfig,
} from '@app/config';
import type { LocalDispatcher } from '@app/inference/dispatch';
import { loadGatewayConfig } from '../gateway-config';
import type { ChatProvider } from './chat-provider';
import type { ProviderDescriptor } from './provider-descriptor';
import { descriptorOf, PROVIDER_DESCRIPTORS } from './provider-list';
import { rejectedFields } from './shared/field-support';

const ROUTING = loadGatewayConfig({}).routing satisfies RoutingConfig;

/** The local builder needs a dispatcher to hold; these tests never call it. */
const unusedDispatcher: LocalDispatcher = {
  complete: () => Promise.reject(new Error('not called')),
  stream: () => {
    throw new Error('not called');
  },
  embed: () => Promise.reject(new Error('not called')),
  rag: () => Promise.reject(new Error('not called')),
  queueDepth: () => Promise.resolve(0),
  status: () => Promise.reject(new Error('not called')),
  close: () => Promise.resolve(),
};

function build(descriptor: ProviderDescriptor): ChatProvider {
  const config: ProviderConfig = {
    id: `${descriptor.id}-spec`,
    type: descriptor.type,
    // Nothing is called: adapters only keep the URL (no connection is opened at construction).
    baseUrl: 'http://127.0.0.1:9/v1',
    apiKey: 'key',
    defaultModel: 'model',
    models: ['model'],
    aliases: [],
    headers: {},
    options: descriptor.type === 'bedrock' ? { region: 'us-east-1' } : {},
  };
  return descriptor.build(config, {
    routing: ROUTING,
    localDispatcher: unusedDispatcher,
    localMaxQueue: 1,
  });
}

const request = (extra: Record<string, unknown>) =>
  ({
    model: 'model',
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  }) as ChatCompletionRequest;

function rejection(
  provider: ChatProvider,
  extra: Record<string, unknown>,
): GatewayError | undefined {
  try {
    provider.assertSupported(request(extra));
    return undefined;
  } catch (error) {
    return error as GatewayError;
  }
}

describe('PROVIDER_DESCRIPTORS', () => {
  it('has unique types, and ids and aliases that pin exactly one provider', () => {
    const types = PROVIDER_DESCRIPTORS.map((descriptor) => descriptor.type);
    expect(new Set(types).size).toBe(types.length);
    const names = PROVIDER_DESCRIPTORS.flatMap((descriptor) => [
      descriptor.id,
      ...descriptor.aliases,
    ]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every provider a tier and says whether it is billed', () => {
    for (const descriptor of PROVIDER_DESCRIPTORS) {
      expect(PROVIDER_TIERS).toContain(descriptor.tier);
      expect(typeof descriptor.billed).toBe('boolean');
    }
    const free = PROVIDER_DESCRIPTORS.filter((descriptor) => !descriptor.billed);
    expect(free.map((descriptor) => descriptor.type).sort()).toEqual(['local', 'ollama']);
  });

  it('lists providers tier by tier, which is the env-only default chain', () => {
    const ranks = PROVIDER_DESCRIPTORS.map((descriptor) => PROVIDER_TIERS.indexOf(descriptor.tier));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('declares each env variable once, and .env.example documents every one', () => {
    expect(() => providerEnvSchema(PROVIDER_DESCRIPTORS)).not.toThrow();
    const example = readFileSync(join(__dirname, '../../../.env.example'), 'utf8');
    const documented = new Set(
      [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]),
    );
    const variables = [
      ...Object.keys(coreEnvShape),
      ...PROVIDER_DESCRIPTORS.flatMap((descriptor) => Object.keys(descriptor.env)),
    ];
    expect(variables.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('finds the descriptor of a configured provider by its type, and refuses an unknown type', () => {
    expect(descriptorOf({ id: 'ollama', type: 'ollama' }).tier).toBe('local');
    expect(() => descriptorOf({ id: 'x', type: 'openai' })).toThrow(
      "Provider 'x': type 'openai' is not supported by this build",
    );
  });
});

describe.each(PROVIDER_DESCRIPTORS.map((descriptor) => [descriptor.type, descriptor] as const))(
  'the %s descriptor',
  (_type, descriptor) => {
    it('builds an adapter that carries the config it was given', () => {
      const provider = build(descriptor);
      expect(provider.id).toBe(`${descriptor.id}-spec`);
      expect(provider.config.type).toBe(descriptor.type);
    });

    if (descriptor.fields === 'pass-through') {
      it('passes every field through to an upstream that answers for itself', () => {
        expect(
          rejection(build(descriptor), { logit_bias: { '1': 1 }, store: true, verbosity: 'low' }),
        ).toBeUndefined();
      });
    } else {
      const table = descriptor.fields;
      it.each(rejectedFields(table).filter((rule) => rule.always))(
        'its adapter rejects $field as its field table says ($reason)',
        ({ field }) => {
          const error = rejection(build(descriptor), { [field]: 'a value' });
          expect(error).toBeInstanceOf(GatewayError);
          expect(error).toMatchObject({ status: 400, param: field, code: 'unsupported_parameter' });
        },
      );
      it('its adapter rejects a field its table does not know', () => {
        expect(rejection(build(descriptor), { not_an_openai_field: 1 })).toMatchObject({
          param: 'not_an_openai_field',
        });
      });
    }
  },
);

it('the local builder says what is missing when no dispatcher is given', () => {
  const local = descriptorOf({ id: 'local', type: 'local' });
  expect(() =>
    local.build(
      {
        id: 'local',
        type: 'local',
        defaultModel: 'm',
        models: [],
        aliases: [],
        headers: {},
        options: {},
      },
      { routing: ROUTING, localMaxQueue: 1 },
    ),
  ).toThrow(/local dispatcher is missing/);
});
