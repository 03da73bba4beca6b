import {
  attachAnthropicRequest,
  GatewayError,
  ProviderError,
  type ChatCompletionRequest,
} from '@app/contracts';
import type { RoutingConfig } from '@app/config';
import {
  httpFailure,
  SteppedChatProvider,
  type ScriptStep,
} from '../../test/support/stepped-chat-provider';
import { ProviderRegistry } from '../providers/provider-registry';
import { ChatRouter } from './chat-router';
import { CircuitRegistry } from './circuit-registry';
import { RouteResolver } from './route-resolver';
import { AbortSource } from '@app/http';

const routing = (defaultChain: string[]): RoutingConfig => ({
  defaultChain,
  routes: [],
  failureThreshold: 3,
  recoveryTimeoutMs: 60_000,
  maxRetries: 0,
  retryBaseDelayMs: 1,
  retryMaxDelayMs: 5,
  requestTimeoutMs: 5_000,
  firstByteTimeoutMs: 200,
  streamIdleTimeoutMs: 150,
  retryOnTimeout: false,
  modelRefreshMs: 0,
  modelDiscoveryTimeoutMs: 1000,
});

const request = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'default',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

describe('ChatRouter', () => {
  let circuits: CircuitRegistry;

  const routerOver = (...providers: SteppedChatProvider[]) => {
    const config = routing(providers.map((provider) => provider.id));
    circuits = new CircuitRegistry(config);
    const resolver = new RouteResolver(config, new ProviderRegistry(providers));
    return new ChatRouter(config, resolver, circuits);
  };
  const scripted = (id: string, ...steps: ScriptStep[]) => new SteppedChatProvider(id, steps);
  const client = () => new AbortSource();
  const collect = async (
    chunks: AsyncIterable<{ choices: { delta: { content?: unknown } }[] }>,
  ) => {
    const words: unknown[] = [];
    for await (const chunk of chunks) words.push(chunk.choices[0]?.delta.content);
    return words;
  };

  it('sends the target model upstream without the gateway-only fields', async () => {
    const provider = scripted('alpha', { answer: 'hello' });
    const router = routerOver(provider);
    const routed = await router.complete(
      request({ provider: 'alpha', cache: { no_store: true }, temperature: 0.2 }),
      'req-1',
      client(),
    );
    expect(routed).toMatchObject({ provider: 'alpha', model: 'alpha-model' });
    const sent = provider.calls[0].request;
    expect(sent).toMatchObject({ model: 'alpha-model', temperature: 0.2 });
    expect(sent).not.toHaveProperty('provider');
    expect(sent).not.toHaveProperty('cache');
  });

  it('replaces a stream that fails before its first chunk without the client noticing', async () => {
    const broken = scripted('alpha', { fail: httpFailure(503) });
    const healthy = scripted('beta', { answer: 'one two three' });
    const routed = await routerOver(broken, healthy).openStream(request(), 'req-1', client());
    expect(routed.provider).toBe('beta');
    expect(await collect(routed.chunks)).toEqual(['one', 'two', 'three']);
    expect(routed.attempts.map((attempt) => attempt.outcome)).toEqual(['error', 'success']);
  });

  it('ends a stream that breaks after its first chunk with the error, counting it on the breaker', async () => {
    const provider = scripted('alpha', {
      streamThenBreak: ['one', 'two'],
      error: new ProviderError('upstream connection failed', { kind: 'connection' }),
    });
    const fallback = scripted('beta', { answer: 'never' });
    const routed = await routerOver(provider, fallback).openStream(request(), 'req-1', client());
    const words: unknown[] = [];
    await expect(
      (async () => {
        for await (const chunk of routed.chunks) words.push(chunk.choices[0].delta.content);
      })(),
    ).rejects.toMatchObject({ kind: 'connection' });
    expect(words).toEqual(['one', 'two']);
    expect(fallback.calls).toHaveLength(0);
    expect(circuits.get('alpha').snapshot().consecutiveFailures).toBe(1);
  });

  it('ends a stream that goes idle mid-answer with an idle timeout', async () => {
    const provider = scripted('alpha', { streamThenBreak: ['one'] });
    const routed = await routerOver(provider).openStream(request(), 'req-1', client());
    const started = performance.now();
    await expect(collect(routed.chunks)).rejects.toMatchObject({
      kind: 'timeout',
      code: 'idle_timeout',
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(provider.closedStreams[0].aborted).toBe(true);
  });

  it('does not count a slow consumer against the provider: idle time runs only while waiting upstream', async () => {
    const provider = scripted('alpha', { answer: 'one two three', delayMs: 10 });
    const routed = await routerOver(provider).openStream(request(), 'req-1', client());
    const words: unknown[] = [];
    for await (const chunk of routed.chunks) {
      words.push(chunk.choices[0].delta.content);
      // The client takes longer than the idle timeout to take each chunk.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(words).toEqual(['one', 'two', 'three']);
  });

  it('aborts the upstream call when the consumer stops reading early', async () => {
    const provider = scripted('alpha', { answer: 'one two three four', delayMs: 5 });
    const routed = await routerOver(provider).openStream(request(), 'req-1', client());
    for await (const _chunk of routed.chunks) break;
    expect(provider.closedStreams).toHaveLength(1);
    expect(provider.calls[0].context.abort.aborted).toBe(true);
  });

  it('leaves out providers that cannot honour a field; answers their 400 when none can', async () => {
    const picky = scripted('alpha', { answer: 'never' });
    picky.rejectFields = GatewayError.unsupportedField('alpha', 'logit_bias');
    const lenient = scripted('beta', { answer: 'served' });
    const routed = await routerOver(picky, lenient).complete(request(), 'req-1', client());
    expect(routed.provider).toBe('beta');
    expect(picky.calls).toHaveLength(0);

    await expect(routerOver(picky).complete(request(), 'req-2', client())).rejects.toMatchObject({
      status: 400,
      param: 'logit_bias',
    });
  });

  it('routes embeddings only to providers with an embeddings API', async () => {
    const chatOnly = scripted('alpha', { answer: 'never' }).withoutEmbeddings();
    const embedder = scripted('beta', { answer: 'vectors' });
    const routed = await routerOver(chatOnly, embedder).embed(
      { model: 'default', input: ['a', 'b'] },
      'req-1',
      client(),
    );
    expect(routed.provider).toBe('beta');
    expect(routed.result.vectors).toHaveLength(2);
    await expect(
      routerOver(chatOnly).embed({ model: 'default', input: ['a'] }, 'req-2', client()),
    ).rejects.toMatchObject({ status: 400, code: 'model_not_supported' });
  });

  describe("an Anthropic client's request", () => {
    const anthropicRequest = (untranslatable: string[]) =>
      attachAnthropicRequest(request(), {
        body: { model: 'default', max_tokens: 5, messages: [], top_k: 3 },
        headers: {},
        untranslatable,
      });
    /** A provider that takes Anthropic bodies natively (and counts tokens), like the Anthropic adapter. */
    const native = (id: string) => {
      const provider = scripted(id, { answer: 'natively' });
      Object.defineProperty(provider, 'nativeDialects', { value: ['anthropic'] });
      Object.defineProperty(provider, 'countTokens', {
        value: async (counted: ChatCompletionRequest) => ({ input_tokens: counted.model.length }),
      });
      return provider;
    };

    it('leaves out providers that cannot honour its Anthropic-only fields, and names the field when none can', async () => {
      const translating = scripted('alpha', { answer: 'never' });
      const routed = await routerOver(translating, native('claude')).complete(
        anthropicRequest(['top_k']),
        'req-1',
        client(),
      );
      expect(routed.provider).toBe('claude');
      expect(translating.calls).toHaveLength(0);
      await expect(
        routerOver(translating).complete(anthropicRequest(['top_k']), 'req-2', client()),
      ).rejects.toMatchObject({ status: 400, param: 'top_k', code: 'unsupported_parameter' });
      // Without such fields, translating providers serve it as usual.
      const served = await routerOver(translating).complete(anthropicRequest([]), 'r', client());
      expect(served.provider).toBe('alpha');
    });

    it('counts tokens with the first route target that can count, and says none can otherwise', async () => {
      const counted = await routerOver(scripted('alpha'), native('claude')).countTokens(
        anthropicRequest([]),
        'req-1',
        client(),
      );
      expect(counted).toMatchObject({
        provider: 'claude',
        model: 'claude-model',
        result: { input_tokens: 'claude-model'.length },
      });
      expect(
        await routerOver(scripted('alpha')).countTokens(anthropicRequest([]), 'req-2', client()),
      ).toBeUndefined();
    });
  });
});
