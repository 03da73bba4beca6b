import { z } from 'zod';

/**
 * zod helpers for environment variables: every value arrives as a string (or is absent), and an
 * empty string means "not set" so that `FOO=` in an .env file behaves like leaving it out.
 */
const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const envString = () => z.preprocess(blankToUndefined, z.string().optional());

/** A string with a default (model names, API versions); blank means the default. */
export const envStringOr = (fallback: string) =>
  z.preprocess(blankToUndefined, z.string().default(fallback));

export const envUrl = () =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .url('must be a URL such as http://127.0.0.1:11434')
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
  );

export const envInt = (fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(fallback),
  );

export const envNumber = (fallback: number, { min = 0, max = Number.MAX_VALUE } = {}) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: 'must be a number' })
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(fallback),
  );

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** `true/false/1/0/yes/no/on/off`; anything else is an error (z.coerce.boolean("false") is true). */
export const envBoolean = (fallback: boolean | undefined) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((value, context) => {
        if (value === undefined) return fallback;
        const lower = value.toLowerCase();
        if (TRUE.has(lower)) return true;
        if (FALSE.has(lower)) return false;
        context.addIssue({ code: 'custom', message: 'must be true or false' });
        return z.NEVER;
      }),
  );

export const envList = () =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((value) =>
        value === undefined
          ? undefined
          : value
              .split(',')
              .map((item) => item.trim())
              .filter(Boolean),
      ),
  );
