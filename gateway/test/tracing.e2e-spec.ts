import { randomUUID } from 'node:crypto';
import {
  FakeAnthropicServer,
  FakeBedrockServer,
  FakeGeminiServer,
  FakeOpenAIServer,
  type RecordedRequest,
} from '@app/testing';
import { OtlpReceiver } from '@app/testing/otlp/otlp-receiver';
import { GatewayProcess } from '@app/testing/processes/gateway-process';
import { waitFor } from '@app/testing/processes/worker-process';
import {
  attemptSpans,
  clientTraceContext,
  parsedTraceparent,
  spansNamed,
} from './support/trace-ids';

const CHAT_SPAN = 'POST /v1/chat/completions';

async function chat(
  gateway: GatewayProcess,
  headers: Record<string, string>,
  body: Record<string, unknown>,
) {
  const response = await fetch(`${gateway.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { response, json: (await response.json()) as Record<string, any> };
}

const lastChatRequest = (requests: RecordedRequest[]) =>
  requests.filter((request) => request.method === 'POST').at(-1)!;

/**
 * Issue 15: one trace per request. A real gateway process exports OTLP/protobuf (the default
 * protocol) to a receiver on 127.0.0.1; fake providers record the `traceparent` they receive.
 */
describe('OpenTelemetry traces across gateway and providers', () => {
  let receiver: OtlpReceiver;
  let openai: FakeOpenAIServer;
  let anthropic: FakeAnthropicServer;
  let gemini: FakeGeminiServer;
  let bedrock: FakeBedrockServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    [receiver, openai, anthropic, gemini, bedrock] = await Promise.all([
      OtlpReceiver.start(),
      FakeOpenAIServer.start({ reply: 'from openai' }),
      FakeAnthropicServer.start({ reply: 'from anthropic' }),
      FakeGeminiServer.start({ reply: 'from gemini' }),
      FakeBedrockServer.start({ reply: 'from bedrock' }),
    ]);
    gateway = await GatewayProcess.start({
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY: 'sk-openai',
      ANTHROPIC_API_KEY: 'sk-ant',
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      GEMINI_API_KEY: 'gem-key',
      GEMINI_BASE_URL: gemini.baseUrl,
      BEDROCK_ENABLED: 'true',
      BEDROCK_ENDPOINT: bedrock.baseUrl,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'secret',
      PROVIDER_ORDER: 'openai,anthropic',
      MAX_RETRIES: '1',
      RETRY_BASE_DELAY_MS: '20',
      RETRY_MAX_DELAY_MS: '50',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.baseUrl,
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
  });
  afterAll(async () => {
    await gateway?.kill();
    await Promise.all([openai, anthropic, gemini, bedrock, receiver].map((part) => part?.stop()));
  });

  it("puts a request with a retry and a fallback in one trace: the client's, sent to each upstream", async () => {
    const client = clientTraceContext();
    const secret = `prompt-${randomUUID()}`;
    openai.enqueue('error-500', 'error-500');
    const { response, json } = await chat(gateway, client.headers, {
      model: 'default',
      messages: [{ role: 'user', content: secret }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(json.choices[0].message.content).toBe('from anthropic');

    const spans = await spansNamed(() => receiver.trace(client.traceId), [CHAT_SPAN]);
    const server = spans.find((span) => span.name === CHAT_SPAN)!;
    expect(server).toMatchObject({
      kind: 2,
      service: 'ai-gateway',
      parentSpanId: client.parentSpanId,
      traceState: 'client=probe',
    });
    expect(server.attributes).toMatchObject({
      'http.response.status_code': 200,
      'http.route': '/v1/chat/completions',
      'gateway.provider.id': 'anthropic',
      'gateway.cache.result': 'miss',
      'gateway.attempts': 3,
    });
    expect(Number(server.attributes['gen_ai.usage.input_tokens'])).toBeGreaterThan(0);
    // One tree: every span hangs off the client's span or another span of this trace.
    const ids = new Set(spans.map((span) => span.spanId));
    for (const span of spans) {
      expect(span.parentSpanId === client.parentSpanId || ids.has(span.parentSpanId)).toBe(true);
    }
    expect(spans.map((span) => span.name)).toEqual(
      expect.arrayContaining(['gateway.route', 'gateway.cache.lookup', 'gateway.quota_check']),
    );

    const attempts = attemptSpans(spans);
    expect(attempts.map((span) => [span.name, span.attributes['gateway.provider.id']])).toEqual([
      ['chat gpt-4o-mini', 'openai'],
      ['chat gpt-4o-mini', 'openai'],
      [expect.stringMatching(/^chat claude/), 'anthropic'],
    ]);
    expect(attempts.map((span) => span.attributes['gateway.attempt.outcome'])).toEqual([
      'error',
      'error',
      'success',
    ]);
    expect(attempts[0].attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'error.type': '500',
      'gateway.circuit.state': 'closed',
    });
    expect(attempts[0].statusCode).toBe(2);
    // The first failure was retried after a backoff; the second moved on to the next target.
    expect(Number(attempts[0].attributes['gateway.retry.delay_ms'])).toBeGreaterThanOrEqual(0);
    expect(attempts[1].attributes['gateway.retry.delay_ms']).toBeUndefined();
    expect(attempts[2].attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(Number(attempts[2].attributes['gen_ai.usage.output_tokens'])).toBeGreaterThan(0);

    // Each upstream call carried its own attempt's span as the parent, in the client's trace.
    const openaiCalls = openai.chatRequests.slice(-2);
    openaiCalls.forEach((request, index) => {
      expect(parsedTraceparent(request.headers.traceparent)).toEqual({
        traceId: client.traceId,
        spanId: attempts[index].spanId,
      });
      expect(request.headers.tracestate).toBe('client=probe');
    });
    expect(parsedTraceparent(lastChatRequest(anthropic.http.requests).headers.traceparent)).toEqual(
      { traceId: client.traceId, spanId: attempts[2].spanId },
    );

    // No prompt or completion text by default (LOG_PAYLOADS=false).
    expect(JSON.stringify(spans)).not.toContain(secret);
    expect(JSON.stringify(spans)).not.toContain('from anthropic');
    // So do the failed attempts' log lines, each naming its attempt's span. Log lines are written
    // in batches (LOG_FLUSH_INTERVAL_MS after the first), which can be after the spans arrived.
    const failures = await waitFor(
      async () => {
        const found = gateway
          .logLines('provider attempt failed')
          .filter((entry) => entry.trace_id === client.traceId);
        return found.length >= 2 ? found : undefined;
      },
      5_000,
      "the failed attempts' log lines",
    );
    expect(failures.map((entry) => entry.span_id)).toEqual([
      attempts[0].spanId,
      attempts[1].spanId,
    ]);
    // The request's log line names the trace (same batching).
    const line = await waitFor(
      async () => gateway.logLines('request').find((entry) => entry.trace_id === client.traceId),
      5_000,
      'the request log line',
    );
    expect(line).toMatchObject({ span_id: server.spanId, provider: 'anthropic', status: 200 });
  });

  it.each([
    ['gemini', () => gemini.http.requests],
    ['bedrock', () => bedrock.http.requests],
  ])('sends the trace context to %s through its SDK', async (provider, requests) => {
    const client = clientTraceContext();
    const { response } = await chat(gateway, client.headers, {
      model: 'default',
      provider,
      messages: [{ role: 'user', content: `hello ${randomUUID()}` }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-gateway-provider')).toBe(provider);
    const spans = await spansNamed(() => receiver.trace(client.traceId), [CHAT_SPAN]);
    const [attempt] = attemptSpans(spans);
    expect(attempt.attributes['gateway.provider.id']).toBe(provider);
    expect(parsedTraceparent(lastChatRequest(requests()).headers.traceparent)).toEqual({
      traceId: client.traceId,
      spanId: attempt.spanId,
    });
  });

  it('records a cache hit as its own span, with no attempt', async () => {
    const body = { model: 'default', messages: [{ role: 'user', content: randomUUID() }] };
    await chat(gateway, {}, body);
    const client = clientTraceContext();
    const { response } = await chat(gateway, client.headers, body);
    expect(response.headers.get('x-cache')).toBe('HIT');
    const spans = await spansNamed(() => receiver.trace(client.traceId), [CHAT_SPAN]);
    expect(spans.find((span) => span.name === 'gateway.cache.lookup')?.attributes).toMatchObject({
      'gateway.cache.result': 'hit',
    });
    expect(attemptSpans(spans)).toEqual([]);
  });

  it('starts a new trace for a client that sends no traceparent', async () => {
    const before = new Set(receiver.spans.map((span) => span.traceId));
    const { response } = await chat(
      gateway,
      {},
      {
        model: 'default',
        messages: [{ role: 'user', content: randomUUID() }],
      },
    );
    expect(response.status).toBe(200);
    const upstream = parsedTraceparent(openai.chatRequests.at(-1)!.headers.traceparent);
    expect(before.has(upstream.traceId)).toBe(false);
    const spans = await spansNamed(() => receiver.trace(upstream.traceId), [CHAT_SPAN]);
    expect(spans.find((span) => span.name === CHAT_SPAN)?.parentSpanId).toBe('');
    expect(receiver.encodings).toContain('application/x-protobuf');
  });

  describe('with LOG_PAYLOADS=true', () => {
    let capturing: GatewayProcess;
    beforeAll(async () => {
      capturing = await GatewayProcess.start({
        OPENAI_BASE_URL: openai.baseUrl,
        OPENAI_API_KEY: 'sk-openai',
        LOG_PAYLOADS: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.baseUrl,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '50',
      });
    });
    afterAll(() => capturing?.kill());

    it('puts the prompt and the completion on the request span (the opt-in)', async () => {
      const client = clientTraceContext();
      const secret = `prompt-${randomUUID()}`;
      const { response } = await chat(capturing, client.headers, {
        model: 'default',
        messages: [{ role: 'user', content: secret }],
      });
      expect(response.status).toBe(200);
      const spans = await spansNamed(() => receiver.trace(client.traceId), [CHAT_SPAN]);
      const server = spans.find((span) => span.name === CHAT_SPAN)!;
      expect(String(server.attributes['gen_ai.input.messages'])).toContain(secret);
      expect(String(server.attributes['gen_ai.output.messages'])).toContain('from openai');
    });
  });

  it('answers and exits cleanly on SIGTERM when its collector is unreachable', async () => {
    const orphan = await GatewayProcess.start({
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY: 'sk-openai',
      // Port 9 (discard) on loopback: nothing listens, every export is refused.
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      SHUTDOWN_GRACE_MS: '500',
    });
    const { response } = await chat(orphan, clientTraceContext().headers, {
      model: 'default',
      messages: [{ role: 'user', content: randomUUID() }],
    });
    expect(response.status).toBe(200);
    const signalledAt = Date.now();
    orphan.signal('SIGTERM');
    expect(await orphan.exit()).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(1_500);
  });
});
