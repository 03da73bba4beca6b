/**
 * `npm run db:migrate`: applies pending migrations to the configured database (DATABASE_URL, else
 * the SQLite file under DATA_DIR) and exits. The gateway also migrates at boot; this is for
 * deployments that migrate in a separate step. Safe to run while replicas start (advisory lock).
 */
import { ConfigError } from '@app/config';
import { loadGatewayConfig } from '../gateway-config';
import { createLogger } from '../logging/logger';
import { openDatabase } from './open-database';

async function main(): Promise<void> {
  let config;
  try {
    config = loadGatewayConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.server.logLevel, 'db-migrate');
  const database = await openDatabase(config.persistence, logger);
  await database.close();
  logger.flush();
}

main().catch((error: unknown) => {
  process.stderr.write(`db:migrate failed: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
