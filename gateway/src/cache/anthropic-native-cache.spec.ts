import {
  anthropicEventsOf,
  anthropicMessageOf,
  attachAnthropicMessage,
  attachAnthropicRequest,
  messageAsEvents,
  type AnthropicMessage,
  type ChatCompletion,
  type ChatCompletionRequest,
} from '@app/contracts';
import pino from 'pino';
import { loadGatewayConfig } from '../gateway-config';
import type { CacheStore } from '../state/cache-store';
import { cacheKeyFor } from './cache-key';
import type { CachedCompletion } from './cached-completion';
import { replayAsStream } from './completion-replay';
import { ResponseCache } from './response-cache';

/** A store that serialises like Redis: what survives is what JSON keeps. */
class JsonStore implements CacheStore<CachedCompletion> {
  private readonly entries = new Map<string, string>();
  async get(key: string) {
    const raw = this.entries.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as CachedCompletion);
  }
  async set(key: string, value: CachedCompletion) {
    this.entries.set(key, JSON.stringify(value));
  }
  async clear() {
    const count = this.entries.size;
    this.entries.clear();
    return count;
  }
  size() {
    return this.entries.size;
  }
}

const MESSAGE: AnthropicMessage = {
  id: 'msg_native',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-6',
  content: [{ type: 'text', text: 'Hi' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 5, output_tokens: 1, cache_read_input_tokens: 3 },
};

const COMPLETION: ChatCompletion = {
  id: 'msg_native',
  object: 'chat.completion',
  created: 1,
  model: 'claude-sonnet-4-6',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
};

const anthropicRequest = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  attachAnthropicRequest(
    {
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Hi' }],
    } as ChatCompletionRequest,
    { body, headers, untranslatable: [] },
  );

describe('the cache and Anthropic clients', () => {
  it("keys an Anthropic client's request on its own body and anthropic-* headers", () => {
    const body = {
      model: 'claude-sonnet-4-6',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'Hi' }],
    };
    const key = cacheKeyFor(anthropicRequest(body), 'ten_a');
    // Delivery and attribution do not change the answer.
    expect(
      cacheKeyFor(anthropicRequest({ ...body, stream: true, metadata: { user_id: 'u' } }), 'ten_a'),
    ).toBe(key);
    // What the translation drops still tells two requests apart (Anthropic sees it).
    expect(cacheKeyFor(anthropicRequest({ ...body, top_k: 3 }), 'ten_a')).not.toBe(key);
    expect(cacheKeyFor(anthropicRequest(body, { 'anthropic-beta': 'x' }), 'ten_a')).not.toBe(key);
    expect(cacheKeyFor(anthropicRequest(body), 'ten_b')).not.toBe(key);
    // And never collides with the same conversation sent to /v1/chat/completions.
    const plain = {
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user' as const, content: 'Hi' }],
    };
    expect(cacheKeyFor(plain, 'ten_a')).not.toBe(key);
  });

  it("keeps Anthropic's own message through a serialising store", async () => {
    const cache = new ResponseCache(
      loadGatewayConfig({ CACHE_ENABLED: 'true' }),
      new JsonStore(),
      pino({ level: 'silent' }),
    );
    const plan = cache.plan(anthropicRequest({ max_tokens: 10 }), 'ten_a', undefined)!;
    const settle = cache.lead(plan);
    settle({
      completion: attachAnthropicMessage({ ...COMPLETION }, MESSAGE),
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
    });
    await new Promise((resolve) => setImmediate(resolve));
    const hit = await cache.lookup(plan);
    expect(JSON.parse(JSON.stringify(hit!.completion))).toEqual(COMPLETION);
    expect(anthropicMessageOf(hit!.completion)).toEqual(MESSAGE);
  });

  it("replays a native answer with Anthropic's events on the first chunk", async () => {
    const chunks = [];
    for await (const chunk of replayAsStream(attachAnthropicMessage({ ...COMPLETION }, MESSAGE)))
      chunks.push(chunk);
    expect(anthropicEventsOf(chunks[0])).toEqual(messageAsEvents(MESSAGE));
    expect(chunks.slice(1).every((chunk) => anthropicEventsOf(chunk) === undefined)).toBe(true);
  });
});
