import { jsonDepthViolation } from './json-depth-guard';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = level % 2 ? [value] : { a: value };
  return value;
}

describe('jsonDepthViolation', () => {
  it('accepts values up to the limit and scalars', () => {
    expect(jsonDepthViolation(nested(64), 64)).toBeUndefined();
    expect(jsonDepthViolation('text', 1)).toBeUndefined();
    expect(jsonDepthViolation(null, 1)).toBeUndefined();
  });

  it('refuses one level past the limit, naming where, without recursing', () => {
    const error = jsonDepthViolation(
      { tools: [{ function: { parameters: nested(100_000) } }] },
      64,
    );
    expect(error).toMatchObject({ status: 400, code: 'nesting_too_deep' });
    expect(error?.param).toBe('tools[0].function.parameters[0].a');
    expect(error?.message).toContain('64 levels');
  });

  it('counts arrays and objects alike, and checks every branch', () => {
    const body = { shallow: [1, 2, 3], deep: { list: [[[[{}]]]] } };
    expect(jsonDepthViolation(body, 7)).toBeUndefined();
    expect(jsonDepthViolation(body, 6)?.param).toBe('deep.list[0][0][0][0]');
  });
});
