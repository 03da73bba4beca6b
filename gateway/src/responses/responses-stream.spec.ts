import type { ChatCompletionChunk } from '@app/contracts';
import { responseSkeleton } from './responses-output';
import { ResponsesStreamTranslator } from './responses-stream';

const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk =>
  ({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
  }) as ChatCompletionChunk;

function run(chunks: ChatCompletionChunk[]) {
  const translator = new ResponsesStreamTranslator(
    responseSkeleton('resp_1', { model: 'm', input: 'hi' }, 'm'),
  );
  const events = [
    ...translator.start(),
    ...chunks.flatMap((piece) => translator.accept(piece)),
    ...translator.complete(),
  ];
  return { events, types: events.map((event) => event.type), response: translator.snapshot };
}

describe('ResponsesStreamTranslator', () => {
  it('streams reasoning, then text, each item opened and closed in order', () => {
    const { types, response, events } = run([
      chunk({ role: 'assistant', reasoning_content: 'Think' }),
      chunk({ reasoning_content: 'ing.' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }, 'stop'),
      {
        ...chunk({}),
        choices: [],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      },
    ]);
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(types.map((_, index) => index));
    expect(response.output).toMatchObject([
      { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking.' }] },
      { type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'Hello' }] },
    ]);
    expect(response.usage).toMatchObject({ input_tokens: 3, output_tokens: 2, total_tokens: 5 });
    // What response.created showed is a snapshot, not the object that kept changing.
    expect((events[0].response as { output: unknown[] }).output).toEqual([]);
  });

  it('streams parallel tool calls as one function_call item each, arguments in fragments', () => {
    const { types, response, events } = run([
      chunk({
        tool_calls: [{ index: 0, id: 'call_a', function: { name: 'a', arguments: '{"x"' } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', function: { name: 'b', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expect(types.slice(2)).toEqual([
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(response.output).toMatchObject([
      {
        type: 'function_call',
        call_id: 'call_a',
        name: 'a',
        arguments: '{"x":1}',
        status: 'completed',
      },
      { type: 'function_call', call_id: 'call_b', name: 'b', arguments: '{}' },
    ]);
    const done = events.find((event) => event.type === 'response.function_call_arguments.done');
    expect(done).toMatchObject({ output_index: 0, arguments: '{"x":1}' });
  });

  it('ends a response cut by the token limit as incomplete', () => {
    const { types, response } = run([chunk({ content: 'Hel' }, 'length')]);
    expect(types.at(-1)).toBe('response.incomplete');
    expect(response).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [{ type: 'message', status: 'incomplete' }],
    });
  });

  it('answers an empty completion with an empty message, as OpenAI does', () => {
    const { response } = run([chunk({ role: 'assistant' }, 'stop')]);
    expect(response.output).toMatchObject([
      { type: 'message', content: [{ type: 'output_text', text: '' }] },
    ]);
  });

  it('fails with response.failed and an error event after the first event', () => {
    const translator = new ResponsesStreamTranslator(
      responseSkeleton('resp_2', { model: 'm', input: 'hi' }, 'm'),
    );
    translator.start();
    translator.accept(chunk({ content: 'partial' }));
    const events = translator.fail({ code: 'server_error', message: 'upstream died' });
    expect(events.map((event) => event.type)).toEqual(['response.failed', 'error']);
    expect(events[0].response).toMatchObject({
      status: 'failed',
      error: { code: 'server_error', message: 'upstream died' },
      output: [{ type: 'message', status: 'incomplete' }],
    });
  });
});
