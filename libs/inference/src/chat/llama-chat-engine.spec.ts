import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ChatCompletionChunk, ChatCompletionRequest, GatewayError } from '@app/contracts';
import { ensureTestModels } from '@app/testing';
import { LlamaChatEngine } from './llama-chat-engine';

const LOAD_TIMEOUT_MS = 60_000;
jest.setTimeout(30_000);

// Random weights write nonsense: these tests assert counts, shapes and protocol, never words.
const request = (fields: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'local-llm',
  messages: [{ role: 'user', content: 'Say something.' }],
  temperature: 0,
  ...fields,
});

async function collect(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const collected: ChatCompletionChunk[] = [];
  for await (const chunk of chunks) collected.push(chunk);
  return collected;
}

const contentOf = (chunks: ChatCompletionChunk[]) =>
  chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');

describe('LlamaChatEngine', () => {
  let engine: LlamaChatEngine;

  const options = (modelPath: string) => ({
    model: modelPath,
    modelName: 'local-llm',
    concurrency: 2,
    threads: 1,
    contextSize: 1024,
    systemPrompt: 'Be brief.',
  });

  // Loading node-llama-cpp into Jest's module registry takes seconds on a busy 2-core machine.
  beforeAll(async () => {
    engine = new LlamaChatEngine(options(ensureTestModels().chatModelPath));
    await engine.load();
  }, LOAD_TIMEOUT_MS);

  afterAll(() => engine.close());

  it('loads once for concurrent callers and reports ready with the load time', async () => {
    const fresh = new LlamaChatEngine(options(ensureTestModels().chatModelPath));
    expect(fresh.status().state).toBe('not_loaded');
    await Promise.all([fresh.load(), fresh.load()]);
    expect(fresh.status()).toMatchObject({ state: 'ready', loadTimeMs: expect.any(Number) });
    await fresh.close();
    expect(fresh.status().state).toBe('not_loaded');
  });

  it('leaves the event loop free while it generates, so a worker keeps renewing its job locks', async () => {
    // BullMQ renews a job's lock from a timer every half WORKER_LOCK_DURATION_MS (2.5 s shipped):
    // generation must run off the event loop (node-llama-cpp evaluates in native threads).
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const completion = await engine.complete(request({ max_tokens: 300 }));
    delay.disable();
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(delay.max / 1e6).toBeLessThan(1_000);
  });

  it('stops at max_tokens with finish_reason length and counts exactly that many completion tokens', async () => {
    const completion = await engine.complete(request({ max_tokens: 12 }));
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('local-llm');
    expect(completion.choices[0].finish_reason).toBe('length');
    expect(completion.choices[0].message.role).toBe('assistant');
    expect(completion.usage).toEqual({
      prompt_tokens: expect.any(Number),
      completion_tokens: 12,
      total_tokens: (completion.usage?.prompt_tokens ?? 0) + 12,
    });
  });

  it('counts prompt tokens with the model tokenizer (a longer prompt counts more)', async () => {
    const short = await engine.complete(request({ max_tokens: 1 }));
    const long = await engine.complete(
      request({
        max_tokens: 1,
        messages: [{ role: 'user', content: 'Say something. '.repeat(10) }],
      }),
    );
    expect(short.usage?.prompt_tokens).toBeGreaterThan(5);
    expect(long.usage?.prompt_tokens).toBeGreaterThan(short.usage?.prompt_tokens ?? 0);
  });

  it('streams a role chunk, content deltas, a finish chunk and a usage chunk', async () => {
    const chunks = await collect(
      engine.stream(
        request({ max_tokens: 10, stream: true, stream_options: { include_usage: true } }),
      ),
    );
    const [first] = chunks;
    const finish = chunks[chunks.length - 2];
    const usage = chunks[chunks.length - 1];
    expect(
      chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === first.id),
    ).toBe(true);
    expect(first.choices[0].delta.role).toBe('assistant');
    expect(finish.choices[0].finish_reason).toBe('length');
    expect(usage.choices).toEqual([]);
    expect(usage.usage?.completion_tokens).toBe(10);
    const completion = await engine.complete(request({ max_tokens: 10 }));
    expect(contentOf(chunks)).toBe(completion.choices[0].message.content);
  });

  it('ends at a stop sequence with finish_reason stop and leaves it out of the content', async () => {
    const free = await engine.complete(request({ max_tokens: 40 }));
    const text = free.choices[0].message.content ?? '';
    const stopIndex = [...text].findIndex(
      (character, index) => index >= 2 && /[a-z]/i.test(character),
    );
    expect(stopIndex).toBeGreaterThan(0);
    const stop = [...text][stopIndex];
    const stopped = await engine.complete(request({ max_tokens: 40, stop: [stop] }));
    expect(stopped.choices[0].finish_reason).toBe('stop');
    // Random byte tokens can leave an incomplete UTF-8 sequence ("\uFFFD") just before the stop.
    const textBeforeStop = text.slice(0, text.indexOf(stop)).replace(/\uFFFD+$/, '');
    expect(stopped.choices[0].message.content).toBe(textBeforeStop);
  });

  it('stops generating promptly when the signal aborts mid-stream, and serves the next request', async () => {
    const controller = new AbortController();
    let contentChunks = 0;
    let abortedAt = 0;
    const consume = async () => {
      for await (const chunk of engine.stream(
        request({ max_tokens: 900, temperature: 1, seed: 1 }),
        controller.signal,
      )) {
        if (chunk.choices[0]?.delta.content) contentChunks++;
        if (contentChunks === 3) {
          abortedAt = performance.now();
          controller.abort();
        }
      }
    };
    await expect(consume()).rejects.toThrow();
    // Unstopped, 900 tokens take seconds; a prompt stop takes a few milliseconds (1 s allows a busy CI).
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(contentChunks).toBeLessThan(10);
    const next = await engine.complete(request({ max_tokens: 3 }));
    expect(next.usage?.completion_tokens).toBe(3);
  });

  it('generates two requests at once with concurrency 2', async () => {
    const timeline: string[] = [];
    const run = async (name: string) => {
      let started = false;
      for await (const chunk of engine.stream(
        request({ max_tokens: 60, temperature: 1, seed: name.length }),
      )) {
        if (!started && chunk.choices[0]?.delta.content) {
          started = true;
          timeline.push(`${name} started`);
        }
      }
      timeline.push(`${name} finished`);
    };
    await Promise.all([run('a'), run('bb')]);
    // Both produced text before either finished: they were in flight together.
    expect(timeline.slice(0, 2).sort()).toEqual(['a started', 'bb started']);
  });

  it('answers json_schema requests with JSON matching the schema', async () => {
    const schema = {
      type: 'object',
      properties: { ok: { type: 'boolean' }, color: { enum: ['red', 'green', 'blue'] } },
    };
    const completion = await engine.complete(
      request({
        max_tokens: 60,
        temperature: 0.7,
        seed: 3,
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
      }),
    );
    const parsed = JSON.parse(completion.choices[0].message.content ?? '') as {
      ok: unknown;
      color: unknown;
    };
    expect(typeof parsed.ok).toBe('boolean');
    expect(['red', 'green', 'blue']).toContain(parsed.color);
    expect(completion.choices[0].finish_reason).toBe('stop');
  });

  const weather = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { enum: ['c', 'f'] } },
        required: ['city', 'unit'],
        additionalProperties: false,
      },
    },
  };
  const clock = {
    type: 'function' as const,
    function: { name: 'get_time', parameters: { type: 'object', properties: {} } },
  };

  it('calls a declared tool with arguments that fit its schema when a call is required', async () => {
    const completion = await engine.complete(
      request({ max_tokens: 80, seed: 1, tools: [weather, clock], tool_choice: 'required' }),
    );
    const message = completion.choices[0].message;
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(message.content).toBeNull();
    expect(message.tool_calls!.length).toBeGreaterThan(0);
    for (const call of message.tool_calls!) {
      expect(call.id).toMatch(/^call_[0-9a-f]{24}$/);
      expect(['get_weather', 'get_time']).toContain(call.function.name);
      const args = JSON.parse(call.function.arguments) as { city?: unknown; unit?: unknown };
      if (call.function.name === 'get_weather') {
        expect(typeof args.city).toBe('string');
        expect(['c', 'f']).toContain(args.unit);
      }
    }
  });

  it('calls the named tool, at most once without parallel calls, and streams the calls whole', async () => {
    const chunks = await collect(
      engine.stream(
        request({
          max_tokens: 80,
          tools: [weather, clock],
          tool_choice: { type: 'function', function: { name: 'get_time' } },
          parallel_tool_calls: false,
        }),
      ),
    );
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_time' } });
    expect(contentOf(chunks)).toBe('');
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('tool_calls');
  });

  it('answers either text or tool calls when the model may choose, and plain text with tool_choice none', async () => {
    const auto = await engine.complete(request({ max_tokens: 80, seed: 2, tools: [weather] }));
    const message = auto.choices[0].message;
    if (auto.choices[0].finish_reason === 'tool_calls')
      expect(message.tool_calls![0].function.name).toBe('get_weather');
    else expect(typeof message.content).toBe('string');
    const none = await engine.complete(
      request({ max_tokens: 8, tools: [weather], tool_choice: 'none' }),
    );
    expect(none.choices[0].message.tool_calls).toBeUndefined();
  });

  it('rejects tools combined with response_format, and image content, with 400 errors', async () => {
    const both = request({
      tools: [weather],
      response_format: { type: 'json_object' },
    });
    await expect(engine.complete(both)).rejects.toMatchObject({
      status: 400,
      param: 'response_format',
    });
    const withImage = request({
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }],
    });
    await expect(engine.complete(withImage)).rejects.toBeInstanceOf(GatewayError);
  });

  it('reports not_configured without a model and fails load with a 503', async () => {
    const unconfigured = new LlamaChatEngine({ modelName: 'local-llm' });
    expect(unconfigured.status().state).toBe('not_configured');
    await expect(unconfigured.load()).rejects.toMatchObject({ status: 503 });
  });
});
