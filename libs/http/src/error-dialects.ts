import type { FastifyRequest } from 'fastify';
import type { OpenAIErrorBody } from '@app/contracts';

/**
 * Which API dialect a route speaks, in its Fastify route config (set by the gateway's
 * `@ClientApi({ dialect })`). Errors of a route whose dialect has a renderer are answered in
 * that dialect's shape (Anthropic's `{"type":"error","error":{…}}` for `/v1/messages`); every
 * other route answers OpenAI's shape.
 */
export const API_DIALECT_CONFIG_KEY = 'apiDialect';

export interface ErrorResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Turns the OpenAI-shaped answer of an error into another dialect's (status, body, headers). */
export type ErrorRenderer = (openai: {
  status: number;
  body: OpenAIErrorBody;
  headers: Record<string, string>;
}) => ErrorResponse;

const renderers = new Map<string, ErrorRenderer>();

/** Registers a dialect's error shape (once, at boot; a later registration replaces it). */
export function registerErrorRenderer(dialect: string, renderer: ErrorRenderer): void {
  renderers.set(dialect, renderer);
}

/** The dialect a request's route declares, if any. */
export function dialectOf(request: FastifyRequest | undefined): string | undefined {
  const config = request?.routeOptions?.config as unknown as Record<string, unknown> | undefined;
  const dialect = config?.[API_DIALECT_CONFIG_KEY];
  return typeof dialect === 'string' ? dialect : undefined;
}

/** The renderer of a request's dialect; undefined for OpenAI-shaped routes. */
export function errorRendererFor(request: FastifyRequest | undefined): ErrorRenderer | undefined {
  const dialect = dialectOf(request);
  return dialect === undefined ? undefined : renderers.get(dialect);
}
