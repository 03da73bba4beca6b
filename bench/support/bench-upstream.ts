/**
 * The upstream of the gateway overhead bench: an OpenAI-compatible server that answers at once
 * from precomputed bodies, so that almost all the time measured is the proxy's. It is a child
 * process of its own so that it can be pinned to the load generator's core.
 *
 *   node dist-tools/bench/support/bench-upstream.js --port 9000 [--chunk-delay 5]
 *
 * POST …/chat/completions: a JSON completion with usage; with `"stream": true`, 20 content chunks
 * `--chunk-delay` ms apart (the first at once), a usage chunk when
 * `stream_options.include_usage`, then `data: [DONE]`. GET …/models lists the model.
 * GET /bench/requests counts the chat completions served (the bench checks that every request
 * reached the upstream, or for a cache hit that none did) and the OTLP trace exports received.
 * POST /v1/traces is an OTLP/HTTP sink for the traced gateway setup: it reads and discards.
 */
import { createServer, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { BENCH_MODEL, STREAM_CONTENT_CHUNKS } from './overhead-requests';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string' },
    'chunk-delay': { type: 'string', default: '5' },
  },
});
const port = Number(options.port);
const chunkDelayMs = Number(options['chunk-delay']);

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

let chatCompletions = 0;

function sendJson(response: ServerResponse, status: number, body: Buffer): void {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  response.end(body);
}

function stream(response: ServerResponse, includeUsage: boolean): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const writeNext = () => {
    response.write(contentFrames[next]);
    next += 1;
    if (next < contentFrames.length) {
      timer = setTimeout(writeNext, chunkDelayMs);
      return;
    }
    if (includeUsage) response.write(usageFrame);
    response.end(doneFrame);
  };
  response.once('close', () => clearTimeout(timer));
  writeNext();
}

function chat(response: ServerResponse, body: string): void {
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
  chatCompletions += 1;
  if (parsed.stream) stream(response, parsed.stream_options?.include_usage === true);
  else sendJson(response, 200, completionBody);
}

let traceExports = 0;

const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method === 'GET' && path === '/bench/requests') {
    const counts = { chat_completions: chatCompletions, trace_exports: traceExports };
    sendJson(response, 200, Buffer.from(JSON.stringify(counts)));
    return;
  }
  if (request.method === 'POST' && path === '/v1/traces') {
    request.resume();
    request.on('end', () => {
      traceExports += 1;
      // An empty ExportTraceServiceResponse: zero protobuf bytes.
      response.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
      response.end();
    });
    return;
  }
  if (request.method === 'GET' && path.endsWith('/models')) {
    sendJson(response, 200, modelsBody);
    return;
  }
  if (request.method === 'POST' && path.endsWith('/chat/completions')) {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => chat(response, Buffer.concat(parts).toString()));
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
