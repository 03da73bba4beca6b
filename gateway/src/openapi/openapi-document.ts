import { z } from 'zod';
import type { ApiOperation, NamedSchema } from './api-operation';
import { ERROR_DESCRIPTIONS, errorResponseSchema } from './schemas/error-response.schema';

const ERROR_SCHEMA: NamedSchema = { name: 'ErrorResponse', schema: errorResponseSchema };
const TAG_ORDER = [
  'OpenAI',
  'Anthropic',
  'RAG',
  'Seeds',
  'Admin: tenants and keys',
  'Admin: usage and limits',
  'Admin: providers and routes',
  'Operations',
  'Console',
];

type JsonSchema = Record<string, unknown>;

/**
 * Builds the OpenAPI 3.1 document from the operations list. Schemas are converted by zod's own
 * `z.toJSONSchema` (JSON Schema 2020-12, which OpenAPI 3.1 uses) from the very objects that
 * validate requests, so the reference cannot drift from validation. Request bodies are described
 * as accepted input (`io: "input"`), responses as sent.
 */
export function buildOpenApiDocument(operations: ApiOperation[], version: string) {
  const requests = new SchemaSet('input');
  const responses = new SchemaSet('output');
  responses.add(ERROR_SCHEMA);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const item = (paths[operation.path] ??= {});
    if (item[operation.method])
      throw new Error(
        `Two OpenAPI entries for ${operation.method.toUpperCase()} ${operation.path}`,
      );
    item[operation.method] = describeOperation(operation, requests, responses);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'AI Gateway',
      version,
      description:
        'OpenAI-compatible gateway (and Anthropic\'s Messages API): provider failover, circuit breakers, caching, tenants and keys, usage and cost, RAG. Every error is `{"error":{"message","type","param","code"}}`, except on `/v1/messages`, which answers Anthropic\'s `{"type":"error","error":{"type","message"}}`.',
    },
    servers: [{ url: '/' }],
    tags: TAG_ORDER.map((name) => ({ name })),
    paths,
    components: {
      schemas: { ...requests.toJsonSchemas(), ...responses.toJsonSchemas() },
      securitySchemes: {
        clientKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A tenant key `gw-sk-…` (or the admin key). Not needed while the gateway has no ADMIN_API_KEY and no tenant.',
        },
        clientKeyHeader: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'The same key in `x-api-key` (how Anthropic clients send it).',
        },
        adminKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'ADMIN_API_KEY. Not needed while it is unset.',
        },
        consoleSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'gw_console_session',
          description:
            'Set by `POST /ui/session`; accepted with the header `x-gateway-console: 1` (CSRF defence).',
        },
      },
    },
  };
}

function describeOperation(operation: ApiOperation, requests: SchemaSet, responses: SchemaSet) {
  const parameters = [
    ...[...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
      ...(operation.pathParams?.[name] ? { description: operation.pathParams[name] } : {}),
    })),
    ...Object.entries(operation.query ?? {}).map(([name, description]) => ({
      name,
      in: 'query',
      required: false,
      schema: { type: 'string' },
      description,
    })),
  ];
  const described: Record<string, unknown> = {
    tags: [operation.tag],
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    operationId: operationId(operation),
    ...(parameters.length ? { parameters } : {}),
    security:
      operation.auth === 'client'
        ? [{ clientKey: [] }, { clientKeyHeader: [] }, { consoleSession: [] }]
        : operation.auth === 'admin'
          ? [{ adminKey: [] }, { consoleSession: [] }]
          : [],
  };
  if (operation.requestBody) {
    described.requestBody = {
      required: true,
      content: { 'application/json': { schema: requests.ref(operation.requestBody) } },
    };
  }
  const answers: Record<string, unknown> = {};
  for (const response of operation.responses) {
    const content: Record<string, unknown> = {};
    if (response.body)
      content[response.contentType ?? 'application/json'] = {
        schema: responses.ref(response.body),
      };
    else if (response.contentType) content[response.contentType] = { schema: { type: 'string' } };
    if (response.stream) content['text/event-stream'] = { schema: responses.ref(response.stream) };
    answers[String(response.status)] = {
      description: response.description,
      ...(Object.keys(content).length ? { content } : {}),
    };
  }
  const errorSchema = responses.ref(operation.errorBody ?? ERROR_SCHEMA);
  for (const status of operation.errors) {
    answers[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'Error',
      content: { 'application/json': { schema: errorSchema } },
    };
  }
  described.responses = answers;
  return described;
}

function operationId(operation: ApiOperation): string {
  const words = operation.path
    .split('/')
    .filter(Boolean)
    .map((segment) =>
      segment.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)/g, (_, c: string) => c.toUpperCase()),
    );
  return [operation.method, ...words]
    .map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('');
}

/** Named schemas of one direction, converted together so shared parts become `$ref`s. */
class SchemaSet {
  private readonly registry = z.registry<{ id: string }>();
  private readonly names = new Map<string, z.ZodType>();

  constructor(private readonly io: 'input' | 'output') {}

  add({ name, schema }: NamedSchema): void {
    const known = this.names.get(name);
    if (known && known !== schema) throw new Error(`Two different OpenAPI schemas named ${name}`);
    if (!known) {
      this.names.set(name, schema);
      this.registry.add(schema, { id: name });
    }
  }

  ref(named: NamedSchema): { $ref: string } {
    this.add(named);
    return { $ref: `#/components/schemas/${named.name}` };
  }

  toJsonSchemas(): Record<string, JsonSchema> {
    const converted = z.toJSONSchema(this.registry, {
      io: this.io,
      unrepresentable: 'any',
      uri: (id) => `#/components/schemas/${id}`,
    }) as { schemas: Record<string, JsonSchema> };
    return Object.fromEntries(
      Object.entries(converted.schemas).map(([name, schema]) => {
        const { $schema: _dialect, $id: _id, ...rest } = schema;
        return [name, rest];
      }),
    );
  }
}
