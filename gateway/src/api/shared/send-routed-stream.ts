import type { FastifyReply } from 'fastify';
import { GatewayError, ProviderError, type ChatCompletionChunk } from '@app/contracts';
import type { AttemptRecord } from '../../routing/router-observer';
import { gatewayHeaders } from './gateway-headers';
import { SseWriter, toErrorResponse } from '@app/http';

export interface StreamToSend {
  provider: string;
  model: string;
  attempts: AttemptRecord[];
  chunks: AsyncIterable<ChatCompletionChunk>;
}

/**
 * Writes a routed stream to the client as SSE, chunk by chunk as they arrive. The stream is
 * already committed (its first chunk arrived), so a later failure becomes a final
 * `data: {"error":…}` event. `preamble` is an extra first event (RAG sends its sources there).
 */
export async function sendRoutedStream(
  reply: FastifyReply,
  routed: StreamToSend,
  options: { includeUsage: boolean; preamble?: unknown },
): Promise<void> {
  reply.hijack();
  const writer = new SseWriter(reply.raw);
  writer.open({ ...(reply.getHeaders() as Record<string, string>), ...gatewayHeaders(routed) });
  if (options.preamble !== undefined)
    reply.raw.write(`data: ${JSON.stringify(options.preamble)}\n\n`);
  try {
    for await (const chunk of routed.chunks) {
      if (writer.closed) break;
      // Upstreams are always asked for usage (for cost); clients get it only when they asked.
      if (!options.includeUsage && chunk.usage && chunk.choices.length === 0) continue;
      await writer.chunk(
        options.includeUsage || !chunk.usage ? chunk : { ...chunk, usage: undefined },
      );
    }
    writer.done();
  } catch (error) {
    const failure =
      error instanceof ProviderError
        ? new GatewayError(
            502,
            `Provider '${routed.provider}' failed mid-stream: ${error.reason}`,
            'api_error',
            'upstream_stream_error',
          )
        : error;
    writer.fail(toErrorResponse(failure).body);
  }
}
