/**
 * The floor of the gateway overhead bench: the least a Node HTTP proxy can do (keep-alive to the
 * upstream, request and response piped through untouched). A gateway cannot be cheaper than this.
 *
 *   node dist-tools/bench/support/pass-through-proxy.js --port 9001 --upstream-port 9000
 */
import { Agent, createServer, request as httpRequest } from 'node:http';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: { port: { type: 'string' }, 'upstream-port': { type: 'string' } },
});
const upstreamPort = Number(options['upstream-port']);
const agent = new Agent({ keepAlive: true });

createServer((request, response) => {
  const upstreamRequest = httpRequest(
    {
      host: '127.0.0.1',
      port: upstreamPort,
      method: request.method,
      path: request.url,
      headers: request.headers,
      agent,
    },
    (upstreamResponse) => {
      response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      upstreamResponse.pipe(response);
    },
  );
  upstreamRequest.on('error', () => {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  });
  request.pipe(upstreamRequest);
}).listen(Number(options.port), '127.0.0.1', () =>
  console.log(`floor proxy listening on ${options.port}`),
);
process.once('SIGTERM', () => process.exit(0));
