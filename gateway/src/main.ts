// First, before anything loads Nest: see before-modules.ts.
import './runtime/before-modules';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '@app/config';
import { createGatewayApp } from './bootstrap';
import { loadGatewayConfigWithWarnings } from './gateway-config';
import { shutDownGracefully } from './graceful-shutdown';
import { createLogger } from './logging/logger';
import { limitHeapGrowth } from './runtime/heap-growth';
import { limitNewSpace } from './runtime/new-space-limit';

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadGatewayConfigWithWarnings(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { config, warnings } = loaded;
  limitHeapGrowth(config.server.heapGrowthPercent);
  const logger = createLogger(config.server.logLevel, 'gateway', {
    flushIntervalMs: config.server.logFlushIntervalMs,
  });
  for (const warning of warnings) logger.warn(warning);
  const app = await createGatewayApp(config, logger);
  await app.listen(config.server.port, config.server.host);
  // After the boot's allocations, which ran with the new space held at its initial size.
  limitNewSpace(config.server.heapNewSpaceMb);
  // The bound port, not the configured one: PORT=0 (tests) picks a free port.
  const { port } = app.getHttpServer().address() as AddressInfo;
  logger.info(
    {
      host: config.server.host,
      port,
      providers: config.providers.map((p) => p.id),
      chain: config.routing.defaultChain,
    },
    'gateway listening',
  );
  const stop = async (signal: string) => {
    logger.info({ signal, graceMs: config.server.shutdownGraceMs }, 'shutting down');
    const clean = await shutDownGracefully(app, config.server.shutdownGraceMs, logger);
    logger.info({ clean }, 'stopped');
    // Lines still waiting (LOG_FLUSH_INTERVAL_MS) are written synchronously on exit.
    process.exit(clean ? 0 : 1);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
