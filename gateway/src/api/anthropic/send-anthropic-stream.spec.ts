import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderError, type AnthropicStreamEvent } from '@app/contracts';
import type { FastifyReply } from 'fastify';
import type { MessagesStream } from '../../messages/messages.service';
import { sendAnthropicStream } from './send-anthropic-stream';

const START: AnthropicStreamEvent = {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'm',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 1, output_tokens: 0 },
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Serves one stream of `events` through `sendAnthropicStream` and returns the SSE text a client read. */
async function served(events: () => AsyncGenerator<AnthropicStreamEvent>, pingMs: number) {
  const server: Server = createServer((_request, response) => {
    const reply = { hijack: () => undefined, raw: response, getHeaders: () => ({}) };
    const routed = { provider: 'p', model: 'm', attempts: [], events: events() } as MessagesStream;
    void sendAnthropicStream(reply as unknown as FastifyReply, routed, pingMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return { headers: response.headers, text: await response.text() };
  } finally {
    server.close();
  }
}

const names = (text: string) => [...text.matchAll(/^event: (.*)$/gm)].map(([, name]) => name);

describe('sendAnthropicStream', () => {
  it('pings right after message_start and whenever the stream stays silent', async () => {
    const { headers, text } = await served(async function* () {
      yield START;
      await sleep(300);
      yield { type: 'message_stop' };
    }, 100);
    expect(headers.get('content-type')).toContain('text/event-stream');
    expect(headers.get('x-gateway-provider')).toBe('p');
    const sequence = names(text);
    expect(sequence[0]).toBe('message_start');
    expect(sequence.at(-1)).toBe('message_stop');
    // One right after message_start, then at least one for the 300 ms of silence.
    expect(sequence.filter((name) => name === 'ping').length).toBeGreaterThanOrEqual(2);
    expect(text).toContain('data: {"type":"ping"}');
  });

  it("ends a stream that fails after it started with Anthropic's error event", async () => {
    const { text } = await served(async function* () {
      yield START;
      throw new ProviderError('gone', { kind: 'http', status: 529, code: 'overloaded_error' });
    }, 10_000);
    expect(names(text)).toEqual(['message_start', 'ping', 'error']);
    const error = JSON.parse(/^event: error\ndata: (.*)$/m.exec(text)![1]);
    expect(error).toEqual({
      type: 'error',
      error: {
        type: 'overloaded_error',
        message: "Provider 'p' failed mid-stream: HTTP 529 (overloaded_error)",
      },
    });
  });
});
