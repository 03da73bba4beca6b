import { formatParamPath, GatewayError, REQUEST_LIMITS } from '@app/contracts';

interface Frame {
  value: object;
  depth: number;
  parent: Frame | undefined;
  key: string | number | undefined;
}

/** Segments shown in `param` for a too-deep value: the field the client wrote, not 64 levels. */
const PARAM_SEGMENTS = 6;

function pathOf(frame: Frame): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Frame | undefined = frame; at?.parent; at = at.parent) path.push(at.key!);
  return path.reverse();
}

/**
 * The 400 for a JSON body nested deeper than `maxDepth`, or undefined when it is not. Walks the
 * parsed value with an explicit stack (recursion is exactly what a 10,000-level body breaks),
 * once per request before any schema, cache key, serializer or provider SDK reads it; a typical
 * chat body has a few dozen values, so the walk costs microseconds.
 */
export function jsonDepthViolation(
  value: unknown,
  maxDepth: number = REQUEST_LIMITS.maxJsonDepth,
): GatewayError | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const stack: Frame[] = [{ value, depth: 1, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const container = frame.value as Record<string, unknown> & unknown[];
    const keys: (string | number)[] = Array.isArray(container)
      ? container.map((_, index) => index)
      : Object.keys(container);
    for (const key of keys) {
      const child = container[key as number];
      if (child === null || typeof child !== 'object') continue;
      const childFrame: Frame = { value: child, depth: frame.depth + 1, parent: frame, key };
      if (childFrame.depth > maxDepth) return tooDeep(pathOf(childFrame), maxDepth);
      stack.push(childFrame);
    }
  }
  return undefined;
}

function tooDeep(path: (string | number)[], maxDepth: number): GatewayError {
  const param = formatParamPath(path.slice(0, PARAM_SEGMENTS));
  const shown = path.length > PARAM_SEGMENTS ? `${param}…` : param;
  return GatewayError.invalidRequest(
    `Invalid '${shown}': JSON nested deeper than ${maxDepth} levels`,
    param,
    'nesting_too_deep',
  );
}
