import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GatewayError, ragIndexSchema, ragQuerySchema, ragSearchSchema } from '@app/contracts';
import { clientAbortSignal, parseBody } from '@app/http';
import { RagService } from '@app/inference';
import { WorkerApiKeyGuard } from '../http/worker-api-key.guard';
import { WorkerRagAnswers } from './worker-rag-answers';

/**
 * The gateway's `/v1/rag/*` endpoints on WORKER_PORT, with the same request schemas, statuses and
 * OpenAI-style errors, run directly against this worker's `RagService` (no queue hop). One key
 * (WORKER_API_KEY, required beyond loopback) and no tenants, throttling or usage accounting:
 * keep WORKER_HOST on a private network.
 */
@Controller('v1/rag')
@UseGuards(WorkerApiKeyGuard)
export class WorkerRagController {
  constructor(
    @Inject(RagService) private readonly rag: RagService,
    @Inject(WorkerRagAnswers) private readonly answers: WorkerRagAnswers,
  ) {}

  @Post('index')
  @HttpCode(200)
  index(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.rag.index(parseBody(ragIndexSchema, body), clientAbortSignal(reply)());
  }

  @Post('search')
  @HttpCode(200)
  async search(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const request = parseBody(ragSearchSchema, body);
    return { object: 'list', ...(await this.rag.search(request, clientAbortSignal(reply)())) };
  }

  /** Answered by the worker's local chat model; see `WorkerRagAnswers`. */
  @Post('query')
  query(@Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    return this.answers.answer(parseBody(ragQuerySchema, body), reply);
  }

  @Get('stats')
  async stats() {
    return { object: 'rag.stats', ...(await this.rag.stats()) };
  }

  @Delete('documents/:id')
  deleteDocument(@Param('id') id: string, @Query('collection') collection: unknown) {
    if (collection !== undefined && typeof collection !== 'string') {
      throw GatewayError.invalidRequest(
        "'collection' must be given once, as a string",
        'collection',
      );
    }
    return this.rag.deleteDocument(id, collection);
  }

  @Delete('collections/:name')
  deleteCollection(@Param('name') name: string) {
    return this.rag.deleteCollection(name);
  }
}
