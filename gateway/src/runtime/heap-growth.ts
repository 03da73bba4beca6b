import { setFlagsFromString } from 'node:v8';

/**
 * Bounds how far V8 lets the old generation grow past the live heap before the next full GC.
 * Left to itself, V8 picks a growth factor of up to 4× when full GCs look cheap: the gateway,
 * ~30 MB live, then peaked at 215–265 MB RSS under load, holding garbage it could have freed.
 * 100% (2×) held the peak near 195 MB. Lower values hold less but run full GCs more often, and
 * each one costs tail latency when the process has one busy core (measured in `bench:overhead`,
 * gateway pinned to one core at 1,000 req/s open loop after saturation: 30% → ~180 MB but 5–6
 * full GCs in 10 s and p99 31–73 ms; 100% → 2 full GCs, p99 ~6 ms; V8's own factor → 1 full GC,
 * p99 4–49 ms depending on whether it lands in the window). With the new space held at 16 MB
 * (new-space-limit.ts): 100% → 155–175 MB; the default 50% → 155–157 MB at the same CPU per
 * request and no worse p99 in alternated rounds.
 * V8 reads this flag each time it sets the next limit, so setting it at boot (Node leaves V8's
 * flags writable) takes effect from the first full GC; an operator's `--max-old-space-size` or
 * NODE_OPTIONS still apply. No library does this.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
