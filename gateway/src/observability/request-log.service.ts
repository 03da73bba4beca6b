import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { Logger } from 'pino';
import { GatewayMetrics } from './gateway-metrics';
import { subjectOf } from '../request/principal';
import type { RequestContext } from '../request/request-context';
import { allowListLineWriter, LOGGER, type LineWriter } from '../logging/logger';

/**
 * When a client request's response closes (sent, streamed, refused or aborted), writes its one
 * structured log line and the request-level metrics. Prompts and completions appear only with
 * LOG_PAYLOADS=true.
 */
@Injectable()
export class RequestLogService {
  private readonly logPayloads: boolean;
  /** Request lines hold only the fields listed in finish(): no redaction pass needed. */
  private readonly writeLine: LineWriter;

  constructor(
    @Inject(LOGGER) logger: Logger,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.logPayloads = config.server.logPayloads;
    this.writeLine = allowListLineWriter(logger, 'request');
  }

  finish(context: RequestContext, status: number, path: string): void {
    const totalMs = performance.now() - context.startedAt;
    this.metrics.requestFinished(status, (totalMs - context.upstreamMs) / 1000, context.dialect);
    const { span } = context;
    // One object shape for every line: JSON leaves out the fields that are undefined (the span's
    // ids when not tracing, the payload unless LOG_PAYLOADS), so a spread of optional fields
    // would only cost V8 a new shape per line.
    this.writeLine({
      requestId: context.requestId,
      trace_id: span.traceId,
      span_id: span.spanId,
      tenantId: subjectOf(context.principal),
      path,
      api: context.dialect,
      provider: context.provider,
      model: context.model,
      status,
      latencyMs: Math.round(totalMs),
      upstreamMs: Math.round(context.upstreamMs),
      promptTokens: context.promptTokens,
      completionTokens: context.completionTokens,
      costUsd: context.costUsd,
      cache: context.cache,
      payload: this.logPayloads ? context.payload : undefined,
    });
  }
}
