import { headerList } from './header-list';

/** What an object spread `{ ...base, 'content-type': type, ...overrides }` would send. */
function spreadOf(
  base: Record<string, string>,
  overrides: Record<string, string> | undefined,
  contentType?: string,
): Record<string, string> {
  return {
    ...base,
    ...(contentType === undefined ? {} : { 'content-type': contentType }),
    ...overrides,
  };
}

function pairsOf(list: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let index = 0; index < list.length; index += 2) pairs.push([list[index], list[index + 1]]);
  return pairs;
}

describe('headerList', () => {
  const base = { accept: 'application/json', authorization: 'Bearer sk-up' };

  it.each([
    ['a JSON POST with the call headers', base, { 'x-request-id': 'r1' }, 'application/json'],
    ['a GET without a content type', base, { 'x-request-id': 'r1' }, undefined],
    ['no call headers', base, undefined, 'application/json'],
    ['a call header that replaces a client one', base, { accept: 'text/event-stream' }, undefined],
    [
      'a client content type replaced by the JSON one',
      { ...base, 'content-type': 'text/plain' },
      undefined,
      'application/json',
    ],
    [
      'a call content type over the JSON one',
      base,
      { 'content-type': 'application/x-ndjson' },
      'application/json',
    ],
  ])('sends what the spread sent, each name once: %s', (_case, client, call, type) => {
    const pairs = pairsOf(headerList(client, call, type));
    expect(Object.fromEntries(pairs)).toEqual(spreadOf(client, call, type));
    expect(new Set(pairs.map(([name]) => name)).size).toBe(pairs.length);
  });

  it('keeps the client headers first and the call headers last', () => {
    expect(headerList(base, { 'x-request-id': 'r1' }, 'application/json')).toEqual([
      'accept',
      'application/json',
      'authorization',
      'Bearer sk-up',
      'content-type',
      'application/json',
      'x-request-id',
      'r1',
    ]);
  });
});
