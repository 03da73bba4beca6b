import { GatewayError, ResponseFormat } from '@app/contracts';
import type { GbnfJsonSchema, Llama, LlamaGrammar } from 'node-llama-cpp' with {
  'resolution-mode': 'import',
};

/**
 * Constrains sampling for `response_format`: any JSON for `json_object`, the given schema for
 * `json_schema` (node-llama-cpp supports a subset of JSON Schema; an unsupported schema is a 400).
 */
export async function grammarForResponseFormat(
  llama: Llama,
  responseFormat: ResponseFormat | undefined,
): Promise<LlamaGrammar | undefined> {
  switch (responseFormat?.type) {
    case undefined:
    case 'text':
      return undefined;
    case 'json_object':
      return llama.getGrammarFor('json');
    case 'json_schema':
      return grammarForJsonSchema(llama, responseFormat.json_schema.schema);
    default:
      throw GatewayError.invalidRequest(
        `response_format type '${(responseFormat as { type: string }).type}' is not supported`,
        'response_format',
      );
  }
}

const JSON_SCHEMA_TYPES = new Set([
  'string',
  'number',
  'integer',
  'boolean',
  'object',
  'array',
  'null',
]);

const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions'];
const SUBSCHEMAS = [
  'items',
  'prefixItems',
  'additionalProperties',
  'anyOf',
  'allOf',
  'oneOf',
  'not',
];

/**
 * The path of the first `type` that is not a JSON Schema type, if any. node-llama-cpp compiles an
 * unknown type to `null` without complaint, which would constrain every answer to `null`.
 */
function unknownTypeIn(schema: unknown, path: string): string | undefined {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return undefined;
  const node = schema as Record<string, unknown>;
  if ('type' in node) {
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (types.some((type) => typeof type !== 'string' || !JSON_SCHEMA_TYPES.has(type)))
      return `${path}.type`;
  }
  for (const key of SCHEMA_MAPS) {
    for (const [name, child] of Object.entries((node[key] as object | undefined) ?? {})) {
      const found = unknownTypeIn(child, `${path}.${key}.${name}`);
      if (found) return found;
    }
  }
  for (const key of SUBSCHEMAS) {
    const children = Array.isArray(node[key]) ? (node[key] as unknown[]) : [node[key]];
    for (const [index, child] of children.entries()) {
      const found = unknownTypeIn(
        child,
        `${path}.${key}${children.length > 1 ? `[${index}]` : ''}`,
      );
      if (found) return found;
    }
  }
  return undefined;
}

async function grammarForJsonSchema(
  llama: Llama,
  schema: Record<string, unknown> | undefined,
): Promise<LlamaGrammar> {
  if (!schema) return llama.getGrammarFor('json');
  const unknownType = unknownTypeIn(schema, 'response_format.json_schema.schema');
  if (unknownType) {
    throw GatewayError.invalidRequest(
      `${unknownType} is not a JSON Schema type`,
      'response_format.json_schema.schema',
    );
  }
  try {
    // The schema is user input; node-llama-cpp validates it while building the grammar.
    return await llama.createGrammarForJsonSchema<GbnfJsonSchema>(schema as GbnfJsonSchema);
  } catch (error) {
    throw GatewayError.invalidRequest(
      `response_format.json_schema is not supported by the local model: ${(error as Error).message}`,
      'response_format.json_schema.schema',
    );
  }
}
