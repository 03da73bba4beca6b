/** One cumulative bucket of a Prometheus histogram: observations ≤ `le` seconds. */
export interface CumulativeBucket {
  le: number;
  count: number;
}

/**
 * The q-quantile of a histogram, estimated the way PromQL's `histogram_quantile` does: find the
 * bucket holding the rank and interpolate linearly inside it; a rank in the +Inf bucket answers
 * the highest finite bound. Written here because prom-client only exposes raw bucket counts, and a
 * Summary (which computes quantiles) would add work to every upstream call.
 * `buckets` are cumulative and sorted by `le`, ending with +Inf. Undefined when there is no data.
 */
export function histogramQuantile(q: number, buckets: CumulativeBucket[]): number | undefined {
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank && bucket.count > previousCount) {
      if (!Number.isFinite(bucket.le)) return previousBound;
      const share = (rank - previousCount) / (bucket.count - previousCount);
      return previousBound + (bucket.le - previousBound) * share;
    }
    if (Number.isFinite(bucket.le)) previousBound = bucket.le;
    previousCount = bucket.count;
  }
  return previousBound;
}
