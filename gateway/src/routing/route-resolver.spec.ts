import type { RouteConfig } from '@app/config';
import { GatewayError } from '@app/contracts';
import {
  ScriptedChatProvider,
  type ScriptedChatProviderOptions,
} from '../../test/support/scripted-chat-provider';
import { ProviderRegistry } from '../providers/provider-registry';
import { DiscoveredModels } from './discovered-models';
import { RouteResolver, type ResolvedRoute } from './route-resolver';
import { loadGatewayConfig } from '../gateway-config';

const PROVIDERS: ScriptedChatProviderOptions[] = [
  {
    id: 'openai',
    defaultModel: 'gpt-4o-mini',
    models: ['gpt-4o-mini', 'gpt-4o'],
    embeddingModel: 'text-embedding-3-small',
    embeddings: true,
  },
  {
    id: 'anthropic',
    type: 'anthropic',
    defaultModel: 'claude-haiku',
    models: ['claude-haiku', 'claude-sonnet'],
  },
  {
    id: 'local',
    defaultModel: 'local-llm',
    models: ['local-llm'],
    embeddingModel: 'local-embed',
    aliases: ['local-worker'],
    embeddings: true,
  },
  // Not in the default chain; serves a model whose name has a slash, and one OpenAI lists first.
  {
    id: 'together',
    defaultModel: 'meta-llama/Llama-3.3-70B',
    models: ['meta-llama/Llama-3.3-70B', 'gpt-4o'],
  },
];

function resolver(
  routes: RouteConfig[] = [],
  defaultChain = ['openai', 'anthropic', 'local'],
  discovered = new DiscoveredModels(),
): RouteResolver {
  const routing = { ...loadGatewayConfig({}).routing, defaultChain, routes };
  const providers = PROVIDERS.map((options) => new ScriptedChatProvider(options));
  return new RouteResolver(routing, new ProviderRegistry(providers), discovered);
}

/** `provider/model` of each target, in order. */
function targets(route: ResolvedRoute): string[] {
  return route.targets.map((target) => `${target.provider.id}/${target.model}`);
}

function errorOf(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError, nothing was thrown');
}

describe('RouteResolver', () => {
  describe('aliases', () => {
    it('resolves default and auto to the default chain, each provider with its default model', () => {
      const routes = resolver();
      const expected = ['openai/gpt-4o-mini', 'anthropic/claude-haiku', 'local/local-llm'];
      expect(targets(routes.resolve('default', undefined))).toEqual(expected);
      expect(targets(routes.resolve('auto', undefined))).toEqual(expected);
      expect(routes.resolve('auto', undefined).requested).toBe('auto');
    });

    it('resolves a configured alias to its targets in order, using route models where given', () => {
      const routes = resolver([
        {
          alias: 'smart',
          targets: [
            { provider: 'anthropic', model: 'claude-sonnet' },
            { provider: 'openai', model: 'gpt-4o' },
            { provider: 'local' },
          ],
        },
      ]);
      expect(targets(routes.resolve('smart', undefined))).toEqual([
        'anthropic/claude-sonnet',
        'openai/gpt-4o',
        'local/local-llm',
      ]);
    });

    it('lets a configured route named default replace the default chain', () => {
      const routes = resolver([{ alias: 'default', targets: [{ provider: 'local' }] }]);
      expect(targets(routes.resolve('default', undefined))).toEqual(['local/local-llm']);
      expect(targets(routes.resolve('auto', undefined))).toHaveLength(3);
    });

    it('finds route targets by provider alias', () => {
      const routes = resolver([{ alias: 'cheap', targets: [{ provider: 'local-worker' }] }]);
      expect(targets(routes.resolve('cheap', undefined))).toEqual(['local/local-llm']);
    });
  });

  describe('provider/model', () => {
    it('sends provider/model to that provider with that model only, even one it does not list', () => {
      const routes = resolver();
      expect(targets(routes.resolve('anthropic/claude-opus', undefined))).toEqual([
        'anthropic/claude-opus',
      ]);
      expect(targets(routes.resolve('local-worker/other.gguf', undefined))).toEqual([
        'local/other.gguf',
      ]);
    });

    it('treats a slash whose prefix is no provider as part of a concrete model name', () => {
      const route = resolver().resolve('meta-llama/Llama-3.3-70B', undefined);
      expect(targets(route)[0]).toBe('together/meta-llama/Llama-3.3-70B');
    });
  });

  describe('model families a provider declares', () => {
    it('routes an unlisted model of the family (a dated Claude id) like a listed one', () => {
      expect(targets(resolver().resolve('claude-sonnet-4-5-20250929', undefined))).toEqual([
        'anthropic/claude-sonnet-4-5-20250929',
        'openai/gpt-4o-mini',
        'local/local-llm',
      ]);
    });

    it('lets a listed model outrank a family, and finds no owner for a family nobody configured', () => {
      const routes = resolver();
      expect(targets(routes.resolve('claude-haiku', undefined))[0]).toBe('anthropic/claude-haiku');
      expect(errorOf(() => routes.resolve('gemini-2.5-pro', undefined))).toMatchObject({
        status: 404,
        code: 'model_not_found',
      });
      expect(errorOf(() => routes.resolve('xclaude-1', undefined)).status).toBe(404);
    });
  });

  describe('concrete models', () => {
    it('tries the owner first, then the rest of the default chain with their default models', () => {
      expect(targets(resolver().resolve('claude-sonnet', undefined))).toEqual([
        'anthropic/claude-sonnet',
        'openai/gpt-4o-mini',
        'local/local-llm',
      ]);
    });

    it('follows the order of the default chain for the fallbacks', () => {
      const routes = resolver([], ['local', 'anthropic', 'openai']);
      expect(targets(routes.resolve('gpt-4o', undefined))).toEqual([
        'openai/gpt-4o',
        'local/local-llm',
        'anthropic/claude-haiku',
      ]);
    });

    it('falls back along the whole default chain when the owner is not in it', () => {
      expect(targets(resolver().resolve('meta-llama/Llama-3.3-70B', undefined))).toEqual([
        'together/meta-llama/Llama-3.3-70B',
        'openai/gpt-4o-mini',
        'anthropic/claude-haiku',
        'local/local-llm',
      ]);
    });
  });

  describe('pins', () => {
    it('keeps only the pinned provider of the route', () => {
      const routes = resolver();
      expect(targets(routes.resolve('default', 'anthropic'))).toEqual(['anthropic/claude-haiku']);
      expect(targets(routes.resolve('gpt-4o', 'local-worker'))).toEqual(['local/local-llm']);
    });

    it('uses the pinned provider with its default model when the route does not include it', () => {
      const routes = resolver([
        { alias: 'smart', targets: [{ provider: 'openai', model: 'gpt-4o' }] },
      ]);
      expect(targets(routes.resolve('smart', 'anthropic'))).toEqual(['anthropic/claude-haiku']);
    });

    it('keeps the requested model when a pinned provider outside the route serves it', () => {
      expect(targets(resolver().resolve('gpt-4o', 'together'))).toEqual(['together/gpt-4o']);
    });

    it('rejects an unknown pin with a 400 naming the provider field', () => {
      const error = errorOf(() => resolver().resolve('default', 'mistral'));
      expect(error.status).toBe(400);
      expect(error.code).toBe('provider_not_found');
      expect(error.param).toBe('provider');
      expect(error.message).toContain('mistral');
    });
  });

  describe('unknown models', () => {
    it.each(['gpt-5-imaginary', 'mistral/large', 'smart'])(
      'answers 404 model_not_found for %s',
      (model) => {
        const error = errorOf(() => resolver().resolve(model, undefined));
        expect(error.status).toBe(404);
        expect(error.code).toBe('model_not_found');
        expect(error.param).toBe('model');
      },
    );

    it('answers 404 when every target of a route names an unregistered provider', () => {
      const routes = resolver([{ alias: 'gone', targets: [{ provider: 'azure' }] }]);
      expect(errorOf(() => routes.resolve('gone', undefined)).status).toBe(404);
    });
  });

  describe('embeddings', () => {
    it('uses each provider’s embedding model, or its default model when it has none', () => {
      expect(targets(resolver().resolve('default', undefined, 'embeddings'))).toEqual([
        'openai/text-embedding-3-small',
        'anthropic/claude-haiku',
        'local/local-embed',
      ]);
    });

    it('falls back from a concrete model only to providers that have an embeddings API', () => {
      const route = resolver().resolve('gpt-4o', undefined, 'embeddings');
      expect(targets(route)).toEqual(['openai/gpt-4o', 'local/local-embed']);
    });

    it('gives a pinned provider its embedding model', () => {
      const routes = resolver([{ alias: 'vectors', targets: [{ provider: 'openai' }] }]);
      expect(targets(routes.resolve('vectors', 'local', 'embeddings'))).toEqual([
        'local/local-embed',
      ]);
    });
  });

  it('lists aliases as owned by the gateway, then each model once with its first provider', () => {
    const models = resolver([{ alias: 'smart', targets: [{ provider: 'openai' }] }]).listModels();
    expect(models.slice(0, 3)).toEqual([
      { id: 'smart', ownedBy: 'gateway' },
      { id: 'default', ownedBy: 'gateway' },
      { id: 'auto', ownedBy: 'gateway' },
    ]);
    expect(models).toContainEqual({ id: 'claude-sonnet', ownedBy: 'anthropic' });
    expect(models).toContainEqual({ id: 'gpt-4o', ownedBy: 'openai' });
    expect(models).toContainEqual({ id: 'meta-llama/Llama-3.3-70B', ownedBy: 'together' });
    expect(new Set(models.map((model) => model.id)).size).toBe(models.length);
  });

  describe('discovered models', () => {
    const discovered = (lists: Record<string, string[]>) => {
      const models = new DiscoveredModels();
      for (const [provider, list] of Object.entries(lists)) models.replace(provider, list);
      return models;
    };

    it('routes a listed model to the first provider in chain order that lists it', () => {
      const lists = discovered({ together: ['llama3:8b'], local: ['llama3:8b', 'qwen2.5'] });
      const routes = resolver([], ['openai', 'anthropic', 'local'], lists);
      expect(targets(routes.resolve('llama3:8b', undefined))).toEqual([
        'local/llama3:8b',
        'openai/gpt-4o-mini',
        'anthropic/claude-haiku',
      ]);
      expect(targets(routes.resolve('qwen2.5', 'local'))).toEqual(['local/qwen2.5']);
    });

    it('keeps a fallback on the requested model when that provider serves it too', () => {
      const lists = discovered({ anthropic: ['shared-model'], local: ['shared-model'] });
      const routes = resolver([], ['openai', 'anthropic', 'local'], lists);
      expect(targets(routes.resolve('shared-model', undefined))).toEqual([
        'anthropic/shared-model',
        'openai/gpt-4o-mini',
        'local/shared-model',
      ]);
    });

    it('lists discovered models after the configured ones, each once', () => {
      const lists = discovered({ local: ['llama3:8b', 'gpt-4o'] });
      const models = resolver([], undefined, lists).listModels();
      expect(models).toContainEqual({ id: 'llama3:8b', ownedBy: 'local' });
      expect(models).toContainEqual({ id: 'gpt-4o', ownedBy: 'openai' });
      expect(new Set(models.map((model) => model.id)).size).toBe(models.length);
    });

    it('takes provider/* in a route as the requested model when served, else the default', () => {
      const lists = discovered({ local: ['llama3:8b'] });
      const routes = resolver(
        [
          { alias: '*', targets: [{ provider: 'local', model: '*' }, { provider: 'openai' }] },
          { alias: 'fast', targets: [{ provider: 'local', model: '*' }] },
        ],
        undefined,
        lists,
      );
      expect(targets(routes.resolve('fast', undefined))).toEqual(['local/local-llm']);
      // `*` answers for a model nothing else resolves, instead of a 404.
      expect(targets(routes.resolve('mystery-model', undefined))).toEqual([
        'local/local-llm',
        'openai/gpt-4o-mini',
      ]);
      expect(routes.listModels().map((model) => model.id)).not.toContain('*');
    });
  });
});
