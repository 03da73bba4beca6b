import { jsonTextOf, parseKeepingJsonText } from './json-text';

const completion = (content: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

describe('jsonTextOf', () => {
  it('is the JSON Fastify would send, kept per object', () => {
    const cached = completion('hello "there"');
    const text = jsonTextOf(cached);
    expect(text).toBe(JSON.stringify(cached));
    // The same object (the in-memory store's hit) is not serialized again.
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      expect(jsonTextOf(cached)).toBe(text);
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
  });

  it('serializes another object (a store that deserializes per hit) on its own', () => {
    expect(jsonTextOf(completion('a'))).not.toBe(jsonTextOf(completion('b')));
    expect(JSON.parse(jsonTextOf(completion('b')))).toEqual(completion('b'));
  });

  it('is the text a parsed answer came from, byte for byte, without serializing it', () => {
    // Spacing and escapes a re-serialization would change.
    const upstream = '{ "id": "chatcmpl-2", "model": "m", "note": "caf\\u00e9", "n": 1.0 }\n';
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      const parsed = parseKeepingJsonText<object>(upstream);
      expect(parsed).toEqual({ id: 'chatcmpl-2', model: 'm', note: 'café', n: 1 });
      expect(jsonTextOf(parsed)).toBe(upstream);
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
  });

  it('parses answers that are not objects, keeping nothing', () => {
    expect(parseKeepingJsonText('null')).toBeNull();
    expect(parseKeepingJsonText('"text"')).toBe('text');
    expect(() => parseKeepingJsonText('{')).toThrow(SyntaxError);
  });
});
