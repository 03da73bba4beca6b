/**
 * The upstream of the gateway overhead bench: an OpenAI-compatible server that answers at once
 * from precomputed bodies, so that almost all the time measured is the proxy's. It is a child
 * process of its own so that it can be pinned to the load generator's core.
 *
 *   node dist-tools/bench/support/bench-upstream.js --port 9000 [--chunk-delay 5] [--fail-rate 0]
 *
 * POST …/chat/completions: a JSON completion with usage; with `"stream": true`, 20 content chunks
 * `--chunk-delay` ms apart (the first at once), a usage chunk when
 * `stream_options.include_usage`, then `data: [DONE]`. GET …/models lists the model.
 * POST /v1/messages: Anthropic's Messages API, the same 20 pieces as a `message` or its events.
 * --fail-rate: that fraction of chat and messages calls is answered 503 (a flaky upstream, for
 * the soak's failover). GET /bench/requests counts the calls served and failed (the bench checks
 * that every request reached the upstream, or for a cache hit that none did).
 */
import { createServer, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import {
  anthropicDeltaFrames,
  anthropicMessageBody,
  anthropicStreamHead,
  anthropicStreamTail,
} from './bench-upstream-anthropic';
import { BENCH_MODEL, STREAM_CONTENT_CHUNKS } from './overhead-requests';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string' },
    'chunk-delay': { type: 'string', default: '5' },
    'fail-rate': { type: 'string', default: '0' },
  },
});
const port = Number(options.port);
const chunkDelayMs = Number(options['chunk-delay']);
const failRate = Number(options['fail-rate']);

const created = Math.floor(Date.now() / 1000);
const pieces = Array.from({ length: STREAM_CONTENT_CHUNKS }, (_, index) =>
  index === 0 ? 'Hello' : ` word${index}`,
);
const usage = { prompt_tokens: 9, completion_tokens: STREAM_CONTENT_CHUNKS, total_tokens: 29 };

const completionBody = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created,
    model: BENCH_MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: pieces.join(''), refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage,
    system_fingerprint: null,
  }),
);
const chunkBase = {
  id: 'chatcmpl-bench',
  object: 'chat.completion.chunk',
  created,
  model: BENCH_MODEL,
};
const contentFrames = pieces.map((content, index) =>
  Buffer.from(
    `data: ${JSON.stringify({
      ...chunkBase,
      choices: [
        {
          index: 0,
          delta: index === 0 ? { role: 'assistant', content } : { content },
          logprobs: null,
          finish_reason: index === STREAM_CONTENT_CHUNKS - 1 ? 'stop' : null,
        },
      ],
    })}\n\n`,
  ),
);
const usageFrame = Buffer.from(`data: ${JSON.stringify({ ...chunkBase, choices: [], usage })}\n\n`);
const doneFrame = Buffer.from('data: [DONE]\n\n');
const modelsBody = Buffer.from(
  JSON.stringify({
    object: 'list',
    data: [{ id: BENCH_MODEL, object: 'model', created, owned_by: 'bench' }],
  }),
);

const counts = { chat_completions: 0, messages: 0, failed: 0 };
const overloadedBody = Buffer.from(
  '{"error":{"message":"bench upstream: overloaded (flaky on purpose)","type":"server_error","param":null,"code":null}}',
);

function sendJson(response: ServerResponse, status: number, body: Buffer): void {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  response.end(body);
}

/** `head` at once, then `frames` `--chunk-delay` ms apart (the first at once), then `tail`. */
function stream(
  response: ServerResponse,
  head: Buffer | undefined,
  frames: Buffer[],
  tail: Buffer,
) {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (head) response.write(head);
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const writeNext = () => {
    response.write(frames[next]);
    next += 1;
    if (next < frames.length) {
      timer = setTimeout(writeNext, chunkDelayMs);
      return;
    }
    response.end(tail);
  };
  response.once('close', () => clearTimeout(timer));
  writeNext();
}

function chat(response: ServerResponse, body: string, kind: 'chat' | 'messages'): void {
  let parsed: { stream?: boolean; stream_options?: { include_usage?: boolean } };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    sendJson(
      response,
      400,
      Buffer.from(
        '{"error":{"message":"invalid JSON","type":"invalid_request_error","param":null,"code":"invalid_json"}}',
      ),
    );
    return;
  }
  if (failRate > 0 && Math.random() < failRate) {
    counts.failed += 1;
    sendJson(response, 503, overloadedBody);
    return;
  }
  if (kind === 'messages') {
    counts.messages += 1;
    if (parsed.stream)
      stream(response, anthropicStreamHead, anthropicDeltaFrames, anthropicStreamTail);
    else sendJson(response, 200, anthropicMessageBody);
    return;
  }
  counts.chat_completions += 1;
  const usageTail = parsed.stream_options?.include_usage === true;
  if (parsed.stream)
    stream(
      response,
      undefined,
      contentFrames,
      usageTail ? Buffer.concat([usageFrame, doneFrame]) : doneFrame,
    );
  else sendJson(response, 200, completionBody);
}

const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method === 'GET' && path === '/bench/requests') {
    sendJson(response, 200, Buffer.from(JSON.stringify(counts)));
    return;
  }
  if (request.method === 'GET' && path.endsWith('/models')) {
    sendJson(response, 200, modelsBody);
    return;
  }
  const kind =
    request.method !== 'POST'
      ? undefined
      : path.endsWith('/chat/completions')
        ? 'chat'
        : path === '/v1/messages'
          ? 'messages'
          : undefined;
  if (kind) {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => chat(response, Buffer.concat(parts).toString(), kind));
    return;
  }
  request.resume();
  sendJson(
    response,
    404,
    Buffer.from(
      '{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}',
    ),
  );
});
server.listen(port, '127.0.0.1', () => console.log(`bench upstream listening on ${port}`));
process.once('SIGTERM', () => process.exit(0));
