import { z } from 'zod';
import { gatewayErrorFromZod } from '@app/contracts';
import { parseBody } from '@app/http';

/**
 * `parseBody`, with the error naming the innermost problem. Anthropic's bodies nest unions (a
 * message's content is a string or a list of blocks; a block is one of two dozen types), and
 * zod reports a miss as "Invalid input" on the whole union: the branch that got furthest into
 * the value (its issue has the longest path) says what is actually wrong, e.g.
 * `messages[0].content[0].type` for an OpenAI `image_url` part.
 */
export function parseAnthropicBody<T extends z.ZodTypeAny>(
  schema: T,
  body: unknown,
  provenValid?: (body: Record<string, unknown>) => boolean,
): z.infer<T> {
  // Not an object: parseBody's own error. A body proven valid skips the schema (see parseBody).
  if (!body || typeof body !== 'object' || Array.isArray(body)) return parseBody(schema, body);
  if (provenValid?.(body as Record<string, unknown>)) return body as z.infer<T>;
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw gatewayErrorFromZod(new z.ZodError([innermost(parsed.error.issues[0])]));
}

function innermost(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    if (branch.length === 0) continue;
    const candidate = innermost(branch[0]);
    if (!best || candidate.path.length > best.path.length) best = candidate;
  }
  // No branch got past the union's own position: the union's "Invalid input" is as precise.
  if (!best || best.path.length === 0) return issue;
  return { ...best, path: [...issue.path, ...best.path] };
}
