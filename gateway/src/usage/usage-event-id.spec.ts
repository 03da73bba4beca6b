import { usageEventId } from './usage-event-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('usageEventId', () => {
  it('is a version 7 UUID carrying the time in its first 48 bits', () => {
    const now = Date.UTC(2026, 10, 30, 12, 0, 0, 123);
    const id = usageEventId(now);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
  });

  it('sorts by time, so new rows go to the end of the ledger index', () => {
    const ids = [1_000, 2_000, 2_001, 1_700_000_000_000].map((ms) => usageEventId(ms));
    expect([...ids].sort()).toEqual(ids);
  });

  it('is unique across many ids in one millisecond (and across the random pool refills)', () => {
    const ids = Array.from({ length: 5_000 }, () => usageEventId(42));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });
});
