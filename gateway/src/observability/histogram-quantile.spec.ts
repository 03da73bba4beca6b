import { histogramQuantile } from './histogram-quantile';

const buckets = (counts: [number, number][]) => counts.map(([le, count]) => ({ le, count }));

describe('histogramQuantile', () => {
  it('interpolates inside the bucket that holds the rank, like PromQL', () => {
    // 10 observations: 4 ≤ 0.1 s, 6 more ≤ 0.5 s.
    const histogram = buckets([
      [0.1, 4],
      [0.5, 10],
      [Infinity, 10],
    ]);
    expect(histogramQuantile(0.5, histogram)).toBeCloseTo(0.1 + 0.4 * (1 / 6), 10);
    expect(histogramQuantile(0.2, histogram)).toBeCloseTo(0.05, 10);
    expect(histogramQuantile(1, histogram)).toBeCloseTo(0.5, 10);
  });

  it('answers the highest finite bound when the rank falls in +Inf', () => {
    const histogram = buckets([
      [0.1, 1],
      [1, 1],
      [Infinity, 5],
    ]);
    expect(histogramQuantile(0.99, histogram)).toBe(1);
  });

  it('skips empty buckets and is undefined without observations', () => {
    expect(
      histogramQuantile(
        0.5,
        buckets([
          [0.1, 0],
          [0.5, 0],
          [1, 2],
          [Infinity, 2],
        ]),
      ),
    ).toBeCloseTo(0.75, 10);
    expect(histogramQuantile(0.5, buckets([[Infinity, 0]]))).toBeUndefined();
  });
});
