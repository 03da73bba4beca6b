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

/** Every key of `value` is one of `fields` and passes its check (absent fields are not checked). */
export function fieldsPass(value: Record<string, unknown>, fields: ReadonlyMap<string, Check>) {
  for (const key in value) {
    const check = fields.get(key);
    if (check === undefined || !check(value[key])) return false;
  }
  return true;
}

/** A field table from an object literal (a Map: no prototype keys such as `constructor`). */
export function fieldTable(fields: Record<string, Check>): ReadonlyMap<string, Check> {
  return new Map(Object.entries(fields));
}
