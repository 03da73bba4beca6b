import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGateway, type RunningGateway } from './support/gateway-harness';

/**
 * OpenAI's API sends its JSON indented, with its own escapes: the gateway parses a completion for
 * its usage but sends the client the upstream's text as it came (a re-serialization would change
 * the bytes, and cost a JSON.stringify per request), on a cache miss and on every hit.
 */
const UPSTREAM_TEXT = `{
  "id": "chatcmpl-passthrough",
  "object": "chat.completion",
  "created": 1764720000,
  "model": "gpt-4o-mini",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": "caf\\u00e9 au lait",
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 9,
    "completion_tokens": 3,
    "total_tokens": 12
  },
  "service_tier": "default",
  "system_fingerprint": "fp_passthrough"
}
`;

describe('a chat completion from an OpenAI-compatible upstream', () => {
  let upstream: Server;
  let calls = 0;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      request.resume().on('end', () => {
        // Anything else (the gateway's model discovery) is not this upstream's.
        if (request.url !== '/v1/chat/completions') return void response.writeHead(404).end();
        calls += 1;
        response.writeHead(200, { 'content-type': 'application/json' }).end(UPSTREAM_TEXT);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    gateway = await startGateway({
      OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
      PROVIDER_ORDER: 'openai',
      CACHE_ENABLED: 'true',
    });
  });
  afterAll(async () => {
    await gateway.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  const post = (content: string) =>
    fetch(`${gateway.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }),
    });

  it('reaches the client as the upstream sent it, on a miss and on a hit', async () => {
    const miss = await post('passthrough');
    expect(miss.status).toBe(200);
    expect(miss.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(await miss.text()).toBe(UPSTREAM_TEXT);
    // Its usage was read: the call has a cost.
    expect(Number(miss.headers.get('x-gateway-cost-usd'))).toBeGreaterThan(0);

    const hit = await post('passthrough');
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(await hit.text()).toBe(UPSTREAM_TEXT);
    expect(calls).toBe(1);
  });

  it('is what the openai SDK parses', async () => {
    const completion = await gateway.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'through the SDK' }],
    });
    expect(completion.choices[0].message.content).toBe('café au lait');
    expect(completion.usage?.total_tokens).toBe(12);
    expect(completion).toMatchObject({
      service_tier: 'default',
      system_fingerprint: 'fp_passthrough',
    });
  });
});
