import { GatewayError } from '@app/contracts';
import { chatHistoryFromMessages } from './chat-history-from-messages';

describe('chatHistoryFromMessages', () => {
  it('maps roles to node-llama-cpp history and ends with an empty model turn', () => {
    const history = chatHistoryFromMessages([
      { role: 'developer', content: 'Rules.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hi' },
          { type: 'text', text: 'there' },
        ],
      },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'Bye' },
    ]);
    expect(history).toEqual([
      { type: 'system', text: 'Rules.' },
      { type: 'user', text: 'Hi\nthere' },
      { type: 'model', response: ['Hello.'] },
      { type: 'user', text: 'Bye' },
      { type: 'model', response: [] },
    ]);
  });

  it('adds the default system prompt only when the request has none', () => {
    expect(chatHistoryFromMessages([{ role: 'user', content: 'Hi' }], 'Be brief.')[0]).toEqual({
      type: 'system',
      text: 'Be brief.',
    });
    const withSystem = chatHistoryFromMessages(
      [
        { role: 'system', content: 'Mine.' },
        { role: 'user', content: 'Hi' },
      ],
      'Be brief.',
    );
    expect(withSystem[0]).toEqual({ type: 'system', text: 'Mine.' });
    expect(withSystem).toHaveLength(3);
  });

  it('translates tool calls and tool results to text', () => {
    const history = chatHistoryFromMessages([
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'weather', arguments: '{"city":"Oslo"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'Rain' },
    ]);
    expect(history.slice(1, 3)).toEqual([
      { type: 'model', response: ['[called tool weather({"city":"Oslo"})]'] },
      { type: 'user', text: 'Tool result (call_1): Rain' },
    ]);
  });

  it('rejects image content with a 400 naming the message', () => {
    const call = () =>
      chatHistoryFromMessages([
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] },
      ]);
    expect(call).toThrow(GatewayError);
    expect(call).toThrow(expect.objectContaining({ status: 400, param: 'messages[0].content' }));
  });
});
