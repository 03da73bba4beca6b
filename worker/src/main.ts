import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, loadCoreConfig, type AppConfig } from '@app/config';
import { httpEdgeServerOptions, installHttpEdge, OpenAIExceptionFilter } from '@app/http';
import { createLocalRedisConnection } from '@app/inference/dispatch';
import pino from 'pino';
import { WorkerModule } from './worker.module';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

function loadWorkerConfig(): AppConfig {
  try {
    // The core variables only: providers and routes are the gateway's to read and validate.
    const config = loadCoreConfig(process.env);
    if (!LOOPBACK_HOSTS.has(config.worker.host) && !config.worker.apiKey) {
      throw new ConfigError([
        `WORKER_API_KEY: required when WORKER_HOST (${config.worker.host}) is not a loopback address: ` +
          'the /v1/rag/* endpoints on WORKER_PORT index, search and delete documents for anyone who can reach them. ' +
          'Set it to a long random string (e.g. `openssl rand -hex 24`), or bind WORKER_HOST=127.0.0.1.',
      ]);
    }
    if (!config.redisUrl) {
      throw new ConfigError([
        'REDIS_URL: the worker takes its jobs from Redis (BullMQ); set it, e.g. REDIS_URL=redis://127.0.0.1:6379. ' +
          'Without Redis, run the gateway alone (`npm start`): it runs local models in-process.',
      ]);
    }
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = pino({
    name: 'worker',
    level: config.server.logLevel,
    base: { service: 'worker' },
  });
  const redis = createLocalRedisConnection(config.redisUrl!);
  const edge = { maxBodyBytes: config.server.maxBodyBytes };
  const app = await NestFactory.create<NestFastifyApplication>(
    WorkerModule.register(config, logger, redis),
    // The RAG endpoints take bodies: the same edge (size limit, nesting guard, errors) as the gateway's.
    new FastifyAdapter({ ...httpEdgeServerOptions(edge), logger: false }),
    // Fastify's own JSON parser stays, wrapped by installHttpEdge (nesting guard).
    { logger: ['error', 'warn'], bodyParser: false },
  );
  app.useGlobalFilters(new OpenAIExceptionFilter(logger));
  installHttpEdge(app.getHttpAdapter().getInstance(), edge);
  await app.listen(config.worker.port, config.worker.host);
  // The bound port, not the configured one: WORKER_PORT=0 (tests) picks a free port.
  const { port } = app.getHttpServer().address() as AddressInfo;
  logger.info(
    { port, queuePrefix: config.worker.queuePrefix, model: config.worker.llmModelPath ?? null },
    'worker listening',
  );
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing running jobs');
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
