import type { ProviderCallContext } from '../chat-provider';

/**
 * The headers every upstream call carries: the request id, and the attempt's W3C trace context
 * (`traceparent`, `tracestate`) when tracing is on, so a traced upstream joins the client's trace.
 */
export function upstreamHeaders(context: ProviderCallContext): Record<string, string> {
  return { 'x-request-id': context.requestId, ...context.traceHeaders };
}
