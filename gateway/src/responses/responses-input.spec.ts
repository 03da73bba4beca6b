import type { ResponseOutputItem } from '@app/contracts';
import { chatMessagesFromInput } from './responses-input';

const none = async () => undefined;

describe('chatMessagesFromInput', () => {
  it('turns a string into one user message', async () => {
    expect(await chatMessagesFromInput('hi', none)).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('maps items to chat messages, joining function calls to the assistant turn before them', async () => {
    const messages = await chatMessagesFromInput(
      [
        { role: 'developer', content: [{ type: 'input_text', text: 'Be brief.' }] },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is this?' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' },
          ],
        },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Let me check.', annotations: [] }],
        },
        { type: 'function_call', call_id: 'call_1', name: 'look', arguments: '{}' },
        { type: 'function_call', call_id: 'call_2', name: 'look', arguments: '{"x":1}' },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'function_call_output', call_id: 'call_1', output: 'a cat' },
        {
          type: 'function_call_output',
          call_id: 'call_2',
          output: [{ type: 'input_text', text: 'b' }],
        },
      ],
      none,
    );
    expect(messages).toEqual([
      { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'look', arguments: '{}' } },
          { id: 'call_2', type: 'function', function: { name: 'look', arguments: '{"x":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'b' }] },
    ]);
  });

  it('replaces item references with the stored items, and names one that is missing', async () => {
    const stored: ResponseOutputItem = {
      type: 'message',
      id: 'msg_1',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Earlier answer', annotations: [], logprobs: [] }],
    };
    const lookup = async (id: string) => (id === 'msg_1' ? stored : undefined);
    expect(
      await chatMessagesFromInput(
        [
          { role: 'user', content: 'Q' },
          { type: 'item_reference', id: 'msg_1' },
        ],
        lookup,
      ),
    ).toEqual([
      { role: 'user', content: 'Q' },
      { role: 'assistant', content: 'Earlier answer' },
    ]);
    await expect(
      chatMessagesFromInput([{ type: 'item_reference', id: 'msg_gone' }], lookup),
    ).rejects.toMatchObject({ status: 400, param: 'input[0].id', code: 'item_not_found' });
  });

  it('refuses an image where chat takes text only, naming the part', async () => {
    await expect(
      chatMessagesFromInput(
        [{ role: 'system', content: [{ type: 'input_image', image_url: 'https://x/y.png' }] }],
        none,
      ),
    ).rejects.toMatchObject({ status: 400, param: 'input[0].content[0].type' });
  });
});
