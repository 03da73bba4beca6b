import { FakeOpenAIServer } from '@app/testing';
import { call, chat, chatBody, metricLabelSets, metricValue } from './support/controls-helpers';
import { startGateway, type RunningGateway } from './support/gateway-harness';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from './support/redis-test-prefix';

describe('metrics and health', () => {
  let primary: FakeOpenAIServer;
  let secondary: FakeOpenAIServer;
  let gateway: RunningGateway | undefined;

  beforeEach(async () => {
    primary = await FakeOpenAIServer.start();
    secondary = await FakeOpenAIServer.start({ reply: 'from secondary' });
  });
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    await primary.stop();
    await secondary.stop();
  });

  const boot = async (env: Record<string, string> = {}) => {
    gateway = await startGateway({
      OPENAI_BASE_URL: primary.baseUrl,
      OLLAMA_BASE_URL: secondary.baseUrl,
      PROVIDER_ORDER: 'openai,ollama',
      MAX_RETRIES: '0',
      FAILURE_THRESHOLD: '1',
      RECOVERY_TIMEOUT: '60',
      CACHE_ENABLED: 'true',
      ...env,
    });
    return gateway;
  };
  const scrape = async (gw: RunningGateway) => {
    const response = await call(gw, 'GET', '/metrics');
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text;
  };

  it('counts exactly the known traffic: attempts, fallbacks, circuit state, cache, tokens, cost', async () => {
    const gw = await boot();
    const before = await scrape(gw);
    expect(metricValue(before, 'ai_circuit_state', { provider: 'openai' })).toBe(0);
    expect(before).toContain('process_cpu_user_seconds_total');

    await chat(gw, undefined, chatBody('one'));
    await chat(gw, undefined, chatBody('one'));
    primary.enqueue('error-500');
    const failedOver = await chat(gw, undefined, { ...chatBody('two'), model: 'default' });
    expect(failedOver.headers.get('x-gateway-provider')).toBe('ollama');

    const after = await scrape(gw);
    expect(
      metricValue(after, 'ai_provider_requests_total', {
        provider: 'openai',
        model: 'gpt-4o-mini',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(
      metricValue(after, 'ai_provider_requests_total', {
        provider: 'openai',
        model: 'gpt-4o-mini',
        outcome: 'error',
      }),
    ).toBe(1);
    expect(
      metricValue(after, 'ai_provider_requests_total', {
        provider: 'ollama',
        model: 'llama3.2',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(metricValue(after, 'ai_routing_fallback_total', { from: 'openai', to: 'ollama' })).toBe(
      1,
    );
    expect(metricValue(after, 'ai_circuit_state', { provider: 'openai' })).toBe(2);
    expect(metricValue(after, 'ai_cache_hits_total')).toBe(1);
    expect(metricValue(after, 'ai_cache_misses_total')).toBe(2);
    expect(
      metricValue(after, 'ai_tokens_total', {
        provider: 'openai',
        model: 'gpt-4o-mini',
        kind: 'completion',
      }),
    ).toBe(5);
    expect(
      metricValue(after, 'ai_cost_usd_total', { provider: 'openai', model: 'gpt-4o-mini' }),
    ).toBeGreaterThan(0);
    expect(metricValue(after, 'ai_cost_usd_total', { provider: 'ollama', model: 'llama3.2' })).toBe(
      0,
    );
    expect(
      metricValue(after, 'ai_provider_latency_seconds_count', {
        provider: 'openai',
        model: 'gpt-4o-mini',
      }),
    ).toBe(2);
    expect(metricValue(after, 'ai_gateway_overhead_seconds_count')).toBe(3);

    const summary = await call(gw, 'GET', '/metrics/summary');
    expect(summary.json).toEqual({
      total_requests: 3,
      cache_hits: 1,
      cache_hit_rate_percent: 33.33,
      failures: 0,
      providers_active: 1,
    });
  });

  it('records time to first token for streams', async () => {
    const gw = await boot();
    await chat(gw, undefined, chatBody('stream', { stream: true }));
    expect(
      metricValue(await scrape(gw), 'ai_time_to_first_token_seconds_count', {
        provider: 'openai',
        model: 'gpt-4o-mini',
      }),
    ).toBe(1);
  });

  it('keeps label cardinality bounded under random model names', async () => {
    const gw = await boot({ CACHE_ENABLED: 'false' });
    for (let index = 0; index < 15; index += 1) {
      await chat(gw, undefined, {
        ...chatBody(),
        model: `openai/random-${Math.random().toString(36).slice(2)}`,
      });
      await chat(gw, undefined, { ...chatBody(), model: `nonexistent-${index}` });
    }
    const text = await scrape(gw);
    expect(
      metricValue(text, 'ai_provider_requests_total', {
        provider: 'openai',
        model: 'other',
        outcome: 'success',
      }),
    ).toBe(15);
    expect(metricLabelSets(text, 'ai_provider_requests_total')).toHaveLength(1);
    expect(text).not.toMatch(/random-|nonexistent-/);
  });

  it('turns /metrics off with METRICS_ENABLED=false', async () => {
    const gw = await boot({ METRICS_ENABLED: 'false' });
    const response = await call(gw, 'GET', '/metrics');
    expect(response.status).toBe(404);
    expect(response.json.error.type).toBe('not_found_error');
  });

  it('is ready while a provider circuit is closed, and 503 once every circuit is open', async () => {
    const gw = await boot({ PROVIDER_ORDER: 'openai', OLLAMA_BASE_URL: '' });
    const ready = await call(gw, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({
      status: 'ok',
      info: { providers: { status: 'up' }, redis: { status: 'up', configured: false } },
    });
    primary.enqueue('error-500');
    await chat(gw, undefined, chatBody('break it'));
    const notReady = await call(gw, 'GET', '/health/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.json.error.providers.status).toBe('down');
    const detailed = await call(gw, 'GET', '/health/detailed');
    expect(detailed.json.providers.openai).toMatchObject({
      circuit_state: 'open',
      last_error: 'HTTP 500 (server_error)',
      failures: 1,
    });
    expect(detailed.json).toMatchObject({
      cache: { enabled: true, backend: 'memory' },
      queue: { depth: null },
    });
    expect((await call(gw, 'GET', '/health')).json).toMatchObject({
      status: 'degraded',
      circuit_state: 'open',
    });
    expect(primary.chatRequests).toHaveLength(1); // probes never call the provider
  });

  it('checks Redis for readiness when it is configured', async () => {
    const prefix = uniqueRedisPrefix('health');
    try {
      const gw = await boot({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix });
      const ready = await call(gw, 'GET', '/health/ready');
      expect(ready.json.info.redis.status).toBe('up');
      expect((await call(gw, 'GET', '/health/detailed')).json.cache.backend).toBe('redis');
    } finally {
      await deleteRedisPrefix(prefix);
    }
  });
});
