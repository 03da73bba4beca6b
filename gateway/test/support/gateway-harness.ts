import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import OpenAI from 'openai';
import pino from 'pino';
import { createGatewayApp } from '../../src/bootstrap';
import { loadGatewayConfig } from '../../src/gateway-config';

export interface RunningGateway {
  app: NestFastifyApplication;
  baseUrl: string;
  /** The official SDK pointed at the gateway (no SDK retries: tests count attempts). */
  client: OpenAI;
  close(): Promise<void>;
}

/** Fast-failing defaults for tests; each test overrides what it exercises. */
const TEST_DEFAULTS: Record<string, string> = {
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'silent',
  RETRY_BASE_DELAY_MS: '5',
  RETRY_MAX_DELAY_MS: '50',
  FIRST_BYTE_TIMEOUT_MS: '2000',
  STREAM_IDLE_TIMEOUT_MS: '2000',
  REQUEST_TIMEOUT_MS: '10000',
  // Identical test requests must reach the fake upstream; cache tests turn the cache back on.
  CACHE_ENABLED: 'false',
};

/** A fresh data directory (SQLite file, RAG collections) for one test gateway. */
export function temporaryDataDir(label = 'gateway'): string {
  return mkdtempSync(join(tmpdir(), `${label}-data-`));
}

/**
 * Boots the real gateway in-process on a random port with the given environment. Unless the test
 * names a data directory or a DATABASE_URL, each gateway gets its own SQLite file in a temporary
 * directory, removed on close: tests never share tenants by accident.
 */
export async function startGateway(
  env: Record<string, string | undefined>,
): Promise<RunningGateway> {
  const ownDataDir =
    env.DATA_DIR || env.WORKER_DATA_DIR || env.DATABASE_URL ? undefined : temporaryDataDir();
  const config = loadGatewayConfig({
    ...TEST_DEFAULTS,
    ...(ownDataDir && { DATA_DIR: ownDataDir }),
    ...env,
  });
  let app: NestFastifyApplication;
  try {
    app = await createGatewayApp(config, pino({ level: 'silent' }));
  } catch (error) {
    if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    throw error;
  }
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const client = new OpenAI({
    apiKey: env.TEST_CLIENT_KEY ?? 'sk-client',
    baseURL: `${baseUrl}/v1`,
    maxRetries: 0,
  });
  const close = async () => {
    await app.close();
    if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
  };
  return { app, baseUrl, client, close };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: json as Record<string, any>,
  };
}

export const userMessage = (content = 'Say hello') => [{ role: 'user' as const, content }];
