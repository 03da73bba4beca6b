import { getLlamaRuntime } from '../llama/llama-runtime';
import { grammarForResponseFormat } from './response-format-grammar';

jest.setTimeout(60_000); // loading node-llama-cpp is slow on a busy 2-core machine

/** Both structured-output forms constrain local sampling: any JSON, or the given schema. */
describe('grammarForResponseFormat', () => {
  it('leaves text unconstrained and constrains json_object to JSON', async () => {
    const llama = await getLlamaRuntime();
    expect(await grammarForResponseFormat(llama, undefined)).toBeUndefined();
    expect(await grammarForResponseFormat(llama, { type: 'text' })).toBeUndefined();
    const json = await grammarForResponseFormat(llama, { type: 'json_object' });
    expect(json?.grammar).toContain('object');
  });

  it('builds json_schema grammars that accept the schema’s answers and nothing else', async () => {
    const llama = await getLlamaRuntime();
    const grammar = (await grammarForResponseFormat(llama, {
      type: 'json_schema',
      json_schema: {
        name: 'forecast',
        schema: {
          type: 'object',
          // A property named "type" is a property, not the keyword.
          properties: {
            city: { type: 'string' },
            sunny: { type: 'boolean' },
            type: { type: 'string' },
          },
        },
      },
    })) as unknown as { parse(text: string): unknown };
    expect(grammar.parse('{"city": "Paris", "sunny": true, "type": "x"}')).toEqual({
      city: 'Paris',
      sunny: true,
      type: 'x',
    });
    expect(() => grammar.parse('{"city": 3, "sunny": true, "type": "x"}')).toThrow();
  });

  it('answers a schema it cannot compile with a 400 naming the schema', async () => {
    const llama = await getLlamaRuntime();
    await expect(
      grammarForResponseFormat(llama, {
        type: 'json_schema',
        json_schema: {
          name: 'bad',
          schema: { type: 'object', properties: { a: { type: 'no-such-type' } } },
        },
      }),
    ).rejects.toMatchObject({ status: 400, param: 'response_format.json_schema.schema' });
  });
});
