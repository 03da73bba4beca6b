import { decodeServerSentEvents, type ServerSentEvent } from './sse-decoder';

async function decode(pieces: string[]): Promise<ServerSentEvent[]> {
  async function* source() {
    for (const piece of pieces) yield piece;
  }
  const events: ServerSentEvent[] = [];
  for await (const event of decodeServerSentEvents(source())) events.push(event);
  return events;
}

describe('decodeServerSentEvents', () => {
  it('yields one event per blank-line-terminated block', async () => {
    expect(await decode(['data: {"a":1}\n\ndata: [DONE]\n\n'])).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: '[DONE]' },
    ]);
  });

  it('reassembles events split anywhere, including inside CRLF line ends', async () => {
    const text = 'event: message\r\ndata: {"x":"é"}\r\n\r\ndata: 2\r\n\r\n';
    const pieces = text.split('').map((char) => char);
    expect(await decode(pieces)).toEqual([
      { event: 'message', data: '{"x":"é"}' },
      { event: undefined, data: '2' },
    ]);
  });

  it('joins multiple data lines, skips comments and resets the event name', async () => {
    expect(
      await decode([': keep-alive\n', 'event: error\ndata: a\ndata: b\n\n', 'data:c\n\n']),
    ).toEqual([
      { event: 'error', data: 'a\nb' },
      { event: undefined, data: 'c' },
    ]);
  });

  it('delivers a last event that has no trailing blank line', async () => {
    expect(await decode(['data: 1\n\ndata: 2'])).toEqual([
      { event: undefined, data: '1' },
      { event: undefined, data: '2' },
    ]);
  });

  it('yields nothing for a body with only comments', async () => {
    expect(await decode([': ping\n\n'])).toEqual([]);
  });
});
