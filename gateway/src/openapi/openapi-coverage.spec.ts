import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { loadGatewayConfig } from '../gateway-config';
import { createGatewayApp } from '../bootstrap';
import { buildOpenApiDocument } from './openapi-document';
import { CLIENT_ROUTES, type ClientRoute } from '../api/client-routes/client-route';
import { API_OPERATIONS } from './operations';

interface LooseJson {
  [key: string]: LooseJson;
}

/** `METHOD /path/{param}` of every route Nest registered, read from the controllers' metadata. */
function nestRoutes(app: NestFastifyApplication): string[] {
  const routes: string[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (path === undefined || method === undefined) continue;
        const full = `/${[base, path]
          .flatMap((part) => part.split('/'))
          .filter(Boolean)
          .join('/')}`;
        routes.push(`${RequestMethod[method]} ${full.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
  }
  return routes.sort();
}

/** `METHOD /path` of the client routes Fastify serves directly (outside Nest's router). */
function clientRoutes(app: NestFastifyApplication): string[] {
  return app.get<ClientRoute[]>(CLIENT_ROUTES).map((route) => `${route.method} ${route.url}`);
}

describe('OpenAPI document', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const config = loadGatewayConfig({
      OPENAI_API_KEY: 'sk-test',
      ADMIN_API_KEY: 'admin',
      LOG_LEVEL: 'silent',
    });
    app = await createGatewayApp(config, pino({ level: 'silent' }));
    await app.init();
  });

  afterAll(() => app.close());

  it('has an entry for every route the gateway serves, and none for a route that does not exist', () => {
    const documented = API_OPERATIONS.map(
      (operation) => `${operation.method.toUpperCase()} ${operation.path}`,
    ).sort();
    const registered = [...nestRoutes(app), ...clientRoutes(app)].sort();
    expect(clientRoutes(app)).toContain('POST /v1/chat/completions');
    expect(registered.length).toBeGreaterThan(20);
    // A failure here names the route: add its entry to gateway/src/openapi/operations/.
    expect(registered.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !registered.includes(route))).toEqual([]);
  });

  it('is OpenAPI 3.1 whose every $ref resolves to a component schema', () => {
    const document = buildOpenApiDocument(API_OPERATIONS, '1.0.0');
    expect(document.openapi).toBe('3.1.0');
    const text = JSON.stringify(document);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      ([, name]) => name,
    );
    expect(refs.length).toBeGreaterThan(40);
    for (const name of new Set(refs)) expect(document.components.schemas).toHaveProperty(name);
  });

  it('describes request bodies from the zod schemas that validate them', () => {
    const document = buildOpenApiDocument(API_OPERATIONS, '1.0.0');
    const schemas = document.components.schemas as Record<string, LooseJson>;
    // Chat keeps unknown top-level fields for the upstream to judge; the document says so.
    expect(schemas.ChatCompletionRequest.additionalProperties).toEqual({});
    expect(schemas.CreateTenantRequest.additionalProperties).toBe(false);
    expect(schemas.ChatCompletionRequest.required).toEqual(['model', 'messages']);
    expect(schemas.ChatCompletionRequest.properties.temperature).toBeDefined();
    expect(schemas.CreateTenantRequest.properties.budget_period.enum).toEqual([
      'daily',
      'monthly',
      'total',
    ]);
    expect(schemas.RagSearchRequest.properties.top_k).toMatchObject({ minimum: 1, maximum: 100 });
    const chat = (document.paths['/v1/chat/completions'] as LooseJson).post;
    expect(chat.responses['400'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ErrorResponse',
    );
    expect(chat.responses['200'].content).toHaveProperty('text/event-stream');
    expect(schemas.ErrorResponse.properties.error.required).toEqual(
      expect.arrayContaining(['message', 'type', 'param', 'code']),
    );
  });
});
