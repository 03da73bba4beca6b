type Schema = Record<string, unknown>;

/** The arguments every fake gives a tool call it was not forced into (answers tests can predict). */
export const FAKE_TOOL_ARGUMENTS: Record<string, unknown> = { city: 'Paris' };

/**
 * A deterministic JSON value that satisfies a (simple) JSON Schema, as a fake model answering
 * under structured output or a forced tool would produce: every property filled (strings from
 * FAKE_TOOL_ARGUMENTS by name, else `fake-<name>`), the first enum value, `[]` for arrays without
 * minItems. An open object (no properties) carries the reply text as `{"answer": reply}`.
 */
export function fakeInstanceOf(
  schema: Schema | undefined,
  reply: string,
  name = 'answer',
): unknown {
  if (!schema) return { answer: reply };
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(variants) && variants.length > 0)
    return fakeInstanceOf(variants[0], reply, name);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return typeof FAKE_TOOL_ARGUMENTS[name] === 'string'
        ? FAKE_TOOL_ARGUMENTS[name]
        : `fake-${name}`;
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const items = schema.items as Schema | undefined;
      const minItems = Number(schema.minItems ?? 0);
      return Array.from({ length: minItems }, () => fakeInstanceOf(items, reply, name));
    }
    default: {
      const properties = schema.properties as Record<string, Schema> | undefined;
      if (!properties || Object.keys(properties).length === 0) return { answer: reply };
      return Object.fromEntries(
        Object.entries(properties).map(([key, property]) => [
          key,
          fakeInstanceOf(property, reply, key),
        ]),
      );
    }
  }
}

/**
 * Where a schema breaks a rule of constrained decoding that Anthropic documents for
 * `output_config.format`: every object must close with `additionalProperties: false`.
 * Returns the JSON path of the first offending object.
 */
export function openObjectIn(schema: unknown, path = 'schema'): string | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const node = schema as Schema;
  const isObject = node.type === 'object' || node.properties !== undefined;
  if (isObject && node.additionalProperties !== false) return path;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' || key === '$defs' || key === 'definitions') {
      for (const [name, child] of Object.entries((value as Schema) ?? {})) {
        const found = openObjectIn(child, `${path}.${key}.${name}`);
        if (found) return found;
      }
    } else if (key === 'items' || key === 'anyOf' || key === 'allOf' || key === 'oneOf') {
      const children = Array.isArray(value) ? value : [value];
      for (const [index, child] of children.entries()) {
        const found = openObjectIn(child, `${path}.${key}[${index}]`);
        if (found) return found;
      }
    }
  }
  return undefined;
}
