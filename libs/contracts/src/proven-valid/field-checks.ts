/**
 * Small checks for the hand-written "proven valid" fast paths (`isCommonChatRequest`,
 * `isCommonMessagesRequest`, `isCommonResponsesRequest`): each states one rule of a zod schema
 * for one field, so that a body passing them is a body the schema accepts unchanged. Plain
 * functions on purpose: they stay monomorphic where zod's shared parsers do not (see the chat
 * check's comment).
 */
export type Check = (value: unknown) => boolean;

export const isString: Check = (value) => typeof value === 'string';
export const isBoolean: Check = (value) => typeof value === 'boolean';

export function nullable(check: Check): Check {
  return (value) => value === null || check(value);
}

export function numberIn(min: number, max: number): Check {
  return (value) => typeof value === 'number' && value >= min && value <= max;
}

/** A safe integer (zod's `.int()`) within the bounds. */
export function integerIn(min: number, max: number = Number.MAX_SAFE_INTEGER): Check {
  return (value) =>
    Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}

export function stringOfLength(min: number, max: number): Check {
  return (value) => typeof value === 'string' && value.length >= min && value.length <= max;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * An object whose every key is one of `fields` and passes its check, and that has each of
 * `required` (the checks run only on the keys present, as zod's optional fields do).
 */
export function objectOf(fields: Record<string, Check>, required: readonly string[] = []): Check {
  const table = new Map(Object.entries(fields));
  return (value) => {
    if (!isPlainObject(value)) return false;
    for (const key in value) {
      const check = table.get(key);
      if (check === undefined || !check(value[key])) return false;
    }
    for (const key of required) if (value[key] === undefined) return false;
    return true;
  };
}
