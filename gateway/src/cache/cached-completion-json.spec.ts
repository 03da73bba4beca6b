import type { ChatCompletion } from '@app/contracts';
import { cachedCompletionJson } from './cached-completion-json';

const completion = (content: string): ChatCompletion => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

describe('cachedCompletionJson', () => {
  it('is the JSON Fastify would send, kept per cached object', () => {
    const cached = completion('hello "there"');
    const text = cachedCompletionJson(cached);
    expect(text).toBe(JSON.stringify(cached));
    // The same object (the in-memory store's hit) is not serialized again.
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      expect(cachedCompletionJson(cached)).toBe(text);
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
  });

  it('serializes another object (a store that deserializes per hit) on its own', () => {
    expect(cachedCompletionJson(completion('a'))).not.toBe(cachedCompletionJson(completion('b')));
    expect(JSON.parse(cachedCompletionJson(completion('b')))).toEqual(completion('b'));
  });
});
