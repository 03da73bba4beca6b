import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { subjectOf } from '../auth/principal';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { attachRequestRecord, RequestRecord, requestIdOf } from '../http/request-record';
import { allowListLogger, LOGGER } from './logger';

/**
 * Starts a request's record and, when its response closes (sent, streamed or aborted), writes the
 * one structured log line and the request-level metrics. Prompts and completions appear only
 * with LOG_PAYLOADS=true.
 */
@Injectable()
export class RequestLogService {
  private readonly logPayloads: boolean;
  /** Request lines hold only the fields listed in finish(): no redaction pass needed. */
  private readonly lines: Logger;

  constructor(
    @Inject(LOGGER) logger: Logger,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.logPayloads = config.server.logPayloads;
    this.lines = allowListLogger(logger);
  }

  get payloadsEnabled(): boolean {
    return this.logPayloads;
  }

  track(request: FastifyRequest, reply: FastifyReply): RequestRecord {
    const record = new RequestRecord(requestIdOf(request), performance.now());
    attachRequestRecord(request, record);
    reply.header('x-request-id', record.requestId);
    const path = request.url;
    reply.raw.once('close', () => this.finish(record, reply.raw.statusCode, path));
    return record;
  }

  private finish(record: RequestRecord, status: number, path: string): void {
    const totalMs = performance.now() - record.startedAt;
    this.metrics.requestFinished(status, (totalMs - record.upstreamMs) / 1000);
    this.lines.info(
      {
        requestId: record.requestId,
        tenantId: subjectOf(record.principal),
        path,
        provider: record.provider,
        model: record.model,
        status,
        latencyMs: Math.round(totalMs),
        upstreamMs: Math.round(record.upstreamMs),
        promptTokens: record.promptTokens,
        completionTokens: record.completionTokens,
        costUsd: record.costUsd,
        cache: record.cache,
        ...(this.logPayloads && record.payload ? { payload: record.payload } : {}),
      },
      'request',
    );
  }
}
