import { FakeOpenAIServer } from '@app/testing';
import {
  ADMIN_KEY,
  call,
  chat,
  chatBody,
  createTenant,
  sseEvents,
  type LooseJson,
} from './support/controls-helpers';
import { startGateway, type RunningGateway } from './support/gateway-harness';

describe('response cache', () => {
  let upstream: FakeOpenAIServer;
  let gateway: RunningGateway;
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start({ chunkDelayMs: 20 });
    gateway = await startGateway({
      OPENAI_BASE_URL: upstream.baseUrl,
      ADMIN_API_KEY: ADMIN_KEY,
      CACHE_ENABLED: 'true',
    });
    tenantA = (await createTenant(gateway, { name: 'a' })).key;
    tenantB = (await createTenant(gateway, { name: 'b' })).key;
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.stop();
  });
  beforeEach(() => call(gateway, 'DELETE', '/admin/cache', { key: ADMIN_KEY }));

  const upstreamCalls = () => upstream.chatRequests.length;

  it('misses, then hits without calling the provider; stream/user do not change the key, sampling fields do', async () => {
    const before = upstreamCalls();
    const first = await chat(gateway, tenantA, chatBody('hit me'));
    expect(first.headers.get('x-cache')).toBe('MISS');
    const second = await chat(gateway, tenantA, { ...chatBody('hit me'), user: 'someone-else' });
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.json.choices).toEqual(first.json.choices);
    expect(second.headers.get('x-gateway-cost-usd')).toBe('0.00000000');
    expect(Number(first.headers.get('x-gateway-cost-usd'))).toBeGreaterThan(0);
    expect(upstreamCalls()).toBe(before + 1);
    expect(
      (await chat(gateway, tenantA, chatBody('hit me', { temperature: 0.3 }))).headers.get(
        'x-cache',
      ),
    ).toBe('MISS');
    expect(upstreamCalls()).toBe(before + 2);
  });

  it('never shares answers between tenants', async () => {
    await chat(gateway, tenantA, chatBody('private'));
    const other = await chat(gateway, tenantB, chatBody('private'));
    expect(other.headers.get('x-cache')).toBe('MISS');
  });

  it('honours Cache-Control no-store / no-cache and the body cache options', async () => {
    const before = upstreamCalls();
    await chat(gateway, tenantA, chatBody('not stored'), { 'cache-control': 'no-store' });
    expect((await chat(gateway, tenantA, chatBody('not stored'))).headers.get('x-cache')).toBe(
      'MISS',
    );
    const fresh = await chat(gateway, tenantA, chatBody('not stored'), {
      'cache-control': 'no-cache',
    });
    expect(fresh.headers.get('x-cache')).toBe('MISS');
    expect(upstreamCalls()).toBe(before + 3);
    await chat(gateway, tenantA, chatBody('body option', { cache: { no_store: true } }));
    expect((await chat(gateway, tenantA, chatBody('body option'))).headers.get('x-cache')).toBe(
      'MISS',
    );
    await chat(gateway, tenantA, chatBody('short ttl', { cache: { ttl: 1 } }));
    expect((await chat(gateway, tenantA, chatBody('short ttl'))).headers.get('x-cache')).toBe(
      'HIT',
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await chat(gateway, tenantA, chatBody('short ttl'))).headers.get('x-cache')).toBe(
      'MISS',
    );
  });

  it('caches a streamed answer and replays it as a stream (and as JSON)', async () => {
    const before = upstreamCalls();
    const streamed = await chat(
      gateway,
      tenantA,
      chatBody('stream me', { stream: true, stream_options: { include_usage: true } }),
    );
    expect(streamed.headers.get('x-cache')).toBe('MISS');
    const replayed = await chat(gateway, tenantA, chatBody('stream me', { stream: true }));
    expect(replayed.headers.get('x-cache')).toBe('HIT');
    expect(replayed.headers.get('content-type')).toContain('text/event-stream');
    expect(replayed.text.trim().endsWith('data: [DONE]')).toBe(true);
    const text = (events: LooseJson[]) =>
      events.map((event) => event.choices[0]?.delta?.content ?? '').join('');
    expect(text(sseEvents(replayed.text))).toBe('Hello from the fake upstream');
    expect(sseEvents(replayed.text).some((event) => event.usage)).toBe(false);
    const asJson = await chat(gateway, tenantA, chatBody('stream me'));
    expect(asJson.headers.get('x-cache')).toBe('HIT');
    expect(asJson.json.choices[0].message.content).toBe('Hello from the fake upstream');
    expect(asJson.json.usage.completion_tokens).toBe(5);
    expect(upstreamCalls()).toBe(before + 1);
  });

  it('makes ten identical concurrent requests wait for the first: one upstream call', async () => {
    const before = upstreamCalls();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        chat(gateway, tenantA, chatBody('coalesce', { stream: true })),
      ),
    );
    expect(upstreamCalls()).toBe(before + 1);
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(responses.filter((response) => response.headers.get('x-cache') === 'MISS')).toHaveLength(
      1,
    );
    for (const response of responses) {
      expect(
        sseEvents(response.text)
          .map((event) => event.choices[0]?.delta?.content ?? '')
          .join(''),
      ).toBe('Hello from the fake upstream');
    }
  });

  it('DELETE /admin/cache empties the cache', async () => {
    await chat(gateway, tenantA, chatBody('to clear'));
    const cleared = await call(gateway, 'DELETE', '/admin/cache', { key: ADMIN_KEY });
    expect(cleared.json.cleared).toBeGreaterThan(0);
    expect((await chat(gateway, tenantA, chatBody('to clear'))).headers.get('x-cache')).toBe(
      'MISS',
    );
  });

  it('does not cache errors', async () => {
    upstream.enqueue('bad-request');
    expect((await chat(gateway, tenantA, chatBody('error once'))).status).toBe(400);
    const retried = await chat(gateway, tenantA, chatBody('error once'));
    expect(retried.status).toBe(200);
    expect(retried.headers.get('x-cache')).toBe('MISS');
  });
});
