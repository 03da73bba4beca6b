/**
 * A tiny OTLP/HTTP trace sink for the bench's `gateway-otel` setup: accepts POST /v1/traces (any
 * encoding: protobuf or JSON), answers 200 with an empty ExportTraceServiceResponse, and counts
 * requests and bytes. GET /sink/stats answers `{ requests, bytes }`. A child process of its own,
 * pinned to the load core, so that receiving spans costs the measured core nothing.
 *
 *   node dist-tools/bench/support/otlp-sink.js --port 4318
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({ options: { port: { type: 'string' } } });
const stats = { requests: 0, bytes: 0 };

createServer((request, response) => {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method === 'GET' && path === '/sink/stats') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(stats));
    return;
  }
  request.on('data', (part: Buffer) => {
    if (path === '/v1/traces') stats.bytes += part.length;
  });
  request.on('end', () => {
    if (request.method === 'POST' && path === '/v1/traces') {
      stats.requests += 1;
      const json = (request.headers['content-type'] ?? '').includes('json');
      response.writeHead(200, {
        'content-type': json ? 'application/json' : 'application/x-protobuf',
      });
      response.end(json ? '{}' : undefined);
      return;
    }
    response.writeHead(404);
    response.end();
  });
}).listen(Number(options.port), '127.0.0.1', () =>
  console.log(`OTLP sink listening on ${options.port}`),
);
process.once('SIGTERM', () => process.exit(0));
