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

async function grammarForJsonSchema(
  llama: Llama,
  schema: Record<string, unknown> | undefined,
): Promise<LlamaGrammar> {
  if (!schema) return llama.getGrammarFor('json');
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
