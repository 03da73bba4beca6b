import type { z } from 'zod';

type Body = Record<string, unknown>;

/** What to vary: typical bodies, the fields to set, the values to set them to, odd messages. */
export interface AgreementCorpus {
  typical: Body[];
  fields: string[];
  values: unknown[];
  messages: unknown[];
}

/**
 * Every typical body, then each with one field set to each value, one field removed, or one odd
 * message appended: the bodies a "proven valid" check is held to its schema on.
 */
export function agreementBodies(corpus: AgreementCorpus): Body[] {
  const bodies: Body[] = [...corpus.typical, {}];
  for (const base of corpus.typical) {
    for (const field of corpus.fields) {
      for (const value of corpus.values) bodies.push({ ...base, [field]: value });
      const without = { ...base };
      delete without[field];
      bodies.push(without);
    }
    for (const message of corpus.messages)
      bodies.push({ ...base, messages: [...((base.messages as unknown[]) ?? []), message] });
  }
  return bodies;
}

/**
 * Checks `provenValid` against `schema` on `bodies`: whatever it accepts, the schema must accept
 * and hand back unchanged (deep equality, undefined-valued keys included). Returns how many it
 * accepted, so a caller can assert that both sides of the check were exercised.
 */
export function expectAgreement(
  schema: z.ZodTypeAny,
  provenValid: (body: Body) => boolean,
  bodies: Body[],
): number {
  let accepted = 0;
  for (const body of bodies) {
    if (!provenValid(body)) continue;
    accepted += 1;
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new Error(`accepted, but the schema refuses: ${JSON.stringify(body).slice(0, 300)}`);
    expect(parsed.data).toStrictEqual(body);
  }
  return accepted;
}

/** Bodies the schema accepts that `provenValid` must leave to it (what the check does not know). */
export function expectLeftToSchema(
  schema: z.ZodTypeAny,
  provenValid: (body: Body) => boolean,
  bodies: Body[],
): void {
  for (const body of bodies) {
    expect(schema.safeParse(body).success).toBe(true);
    expect(provenValid(body)).toBe(false);
  }
}
