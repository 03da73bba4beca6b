import type { z } from 'zod';
import { GatewayError } from './gateway-error';

/** `messages.0.role` → `messages[0].role`, the form OpenAI uses in `param`. */
export function formatParamPath(path: ReadonlyArray<PropertyKey>): string | null {
  if (path.length === 0) return null;
  return path
    .map((segment, index) =>
      typeof segment === 'number'
        ? `[${segment}]`
        : index === 0
          ? String(segment)
          : `.${String(segment)}`,
    )
    .join('');
}

/**
 * The issue to report. When no branch of a union matched, and all but one failed on the value's
 * very type, the value was meant for that one branch: its own issue names the field precisely
 * (`input[0].type` rather than `input`).
 */
function decisiveIssue(issue: z.core.$ZodIssue | undefined): z.core.$ZodIssue | undefined {
  if (issue?.code !== 'invalid_union' || !issue.errors?.length) return issue;
  const meant = issue.errors.filter(
    (branch) =>
      !(branch.length === 1 && branch[0].code === 'invalid_type' && !branch[0].path.length),
  );
  if (meant.length !== 1 || !meant[0][0]) return issue;
  const inner = meant[0][0];
  return decisiveIssue({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue);
}

/** Turns the first zod issue into a 400 naming the offending parameter. */
export function gatewayErrorFromZod(error: z.ZodError): GatewayError {
  const issue = decisiveIssue(error.issues[0]);
  if (!issue) return GatewayError.invalidRequest('Invalid request body');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const param = formatParamPath([...issue.path, key]);
    return GatewayError.invalidRequest(
      `Unrecognized request argument supplied: ${param}`,
      param,
      'unknown_parameter',
    );
  }
  const param = formatParamPath(issue.path);
  if (issue.code === 'invalid_union' && issue.path.at(-1) === 'role') {
    return GatewayError.invalidRequest(
      `Invalid value for '${param}': unknown role`,
      param,
      'invalid_value',
    );
  }
  const where = param ? `'${param}'` : 'request body';
  return GatewayError.invalidRequest(`Invalid ${where}: ${issue.message}`, param, 'invalid_value');
}
