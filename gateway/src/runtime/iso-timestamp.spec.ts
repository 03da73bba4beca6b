import { isoTimestamp } from './iso-timestamp';

describe('isoTimestamp', () => {
  it('is toISOString, across milliseconds, seconds, days and years', () => {
    const moments = [
      0,
      1,
      9,
      10,
      99,
      100,
      999,
      1000,
      Date.UTC(2026, 11, 3, 7, 30, 0, 5),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(2027, 0, 1, 0, 0, 0, 0),
      Date.UTC(2028, 1, 29, 12, 0, 0, 42),
      Date.now(),
    ];
    for (const now of moments) {
      // Twice: the first formats the second, the next reuses it.
      expect(isoTimestamp(now)).toBe(new Date(now).toISOString());
      expect(isoTimestamp(now)).toBe(new Date(now).toISOString());
    }
  });

  it('goes back in time and forward again (a clock step)', () => {
    const later = Date.UTC(2026, 11, 3, 7, 30, 1, 250);
    const earlier = later - 1_500;
    for (const now of [later, earlier, later, later + 1]) {
      expect(isoTimestamp(now)).toBe(new Date(now).toISOString());
    }
  });

  it('truncates fractional milliseconds as Date does', () => {
    expect(isoTimestamp(1_764_746_400_123.9)).toBe(new Date(1_764_746_400_123.9).toISOString());
  });

  it('formats years outside 0000-9999 and before 1970 in the long ISO form', () => {
    for (const now of [
      -1,
      -62_198_755_200_001,
      253_402_300_800_000,
      Date.UTC(1969, 6, 20, 20, 17),
    ]) {
      expect(isoTimestamp(now)).toBe(new Date(now).toISOString());
    }
  });

  it('uses the current time by default', () => {
    const before = Date.now();
    const stamped = Date.parse(isoTimestamp());
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(Date.now());
  });
});
