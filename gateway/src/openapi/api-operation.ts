import type { z } from 'zod';

/** A schema with the name it gets under `components.schemas`. */
export interface NamedSchema {
  name: string;
  schema: z.ZodType;
}

export const named = (name: string, schema: z.ZodType): NamedSchema => ({ name, schema });

export type ApiTag =
  | 'OpenAI'
  | 'Anthropic'
  | 'RAG'
  | 'Seeds'
  | 'Admin: tenants and keys'
  | 'Admin: usage and limits'
  | 'Admin: providers and routes'
  | 'Operations'
  | 'Console';

export interface ApiResponse {
  status: number;
  description: string;
  /** JSON body; absent for a body described in words (e.g. Prometheus text). */
  body?: NamedSchema;
  /** @defaultValue 'application/json' */
  contentType?: string;
  /** Also answers `text/event-stream` with this chunk schema (`stream: true`). */
  stream?: NamedSchema;
}

/**
 * One route of the API, as the OpenAPI document describes it. Every Nest route needs one
 * (`openapi-coverage.spec.ts` fails otherwise): add an object to the list of its surface in
 * `operations/`.
 */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI form: `/admin/tenants/{id}`. Path parameters are strings. */
  path: string;
  tag: ApiTag;
  summary: string;
  description?: string;
  /** client: a tenant key (or the admin key); admin: the admin key or a console session. */
  auth: 'client' | 'admin' | 'none';
  /** The zod schema that validates the JSON body (the same object the controller parses with). */
  requestBody?: NamedSchema;
  /** Query parameters: name → description (strings). */
  query?: Record<string, string>;
  /** Path parameter descriptions, by name. */
  pathParams?: Record<string, string>;
  responses: ApiResponse[];
  /** Statuses answered in the error shape. */
  errors: number[];
  /** The error shape, when the route's dialect has its own. @defaultValue OpenAI's `ErrorResponse` */
  errorBody?: NamedSchema;
}
