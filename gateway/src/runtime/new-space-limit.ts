import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

const MB = 1024 * 1024;

/** V8's factor for each step of new-space growth (its default: double). */
const V8_GROWTH_FACTOR = 2;

function setGrowthFactor(factor: number): void {
  setFlagsFromString(`--semi-space-growth-factor=${factor}`);
}

/**
 * What the new space holds when both semi-spaces are committed: twice one semi-space's capacity
 * (used + available). Not `space_size`, which is what is committed now: V8 uncommits the idle
 * semi-space at times, and a limit read from that would let the capacity double twice.
 */
function newSpaceCapacityBytes(): number {
  const space = getHeapSpaceStatistics().find((entry) => entry.space_name === 'new_space');
  return space ? 2 * (space.space_used_size + space.space_available_size) : 0;
}

/** A semi-space's usable capacity is a little under its size (page headers): ~2% slack. */
const CAPACITY_SLACK = 1.05;

/**
 * Holds V8's new space (the young generation's two semi-spaces) at boot: no growth until
 * `limitNewSpace` decides. Called before the application's modules load, because loading them
 * allocates enough to grow it to V8's maximum at once (32 MB, then committed for good).
 */
export function holdNewSpaceGrowth(): void {
  setGrowthFactor(1);
}

/**
 * Keeps the new space within `maxMb` (0: V8's own maximum, 32 MB on 64-bit). Under sustained
 * allocation V8 grows it, doubling, to that maximum and keeps the pages committed: 32 MB of the
 * gateway's RSS for a space whose live content under load is ~0.4 MB. At 16 MB scavenges run
 * twice as often, each as cheap (their cost follows what survives, not the size); below ~8 MB
 * requests still in flight at two scavenges in a row are promoted, and the old generation grows
 * faster (measured: 8 MB promotes ~20% more per request, 4 MB halves throughput).
 *
 * Only a command-line flag sets the maximum (`--max-semi-space-size`); at run time V8 reads just
 * the growth factor, each time it grows the space. So after every GC the factor is set to 2 or
 * to 1. This observer runs on the event loop, after the GC: two GCs back to back (a scavenge and
 * a full GC, seen under load) can each double the space before it runs. So growth stops at half
 * of `maxMb`, and that second doubling still lands within it: the default 32 holds the space at
 * 16 MB, and never lets it pass 32. No library does this.
 */
export function limitNewSpace(maxMb: number): void {
  if (maxMb <= 0) {
    setGrowthFactor(V8_GROWTH_FACTOR);
    return;
  }
  const maxBytes = maxMb * MB;
  let factor = 0;
  const adjust = () => {
    const twiceGrown = newSpaceCapacityBytes() * V8_GROWTH_FACTOR * V8_GROWTH_FACTOR;
    const next = twiceGrown <= maxBytes * CAPACITY_SLACK ? V8_GROWTH_FACTOR : 1;
    if (next === factor) return;
    factor = next;
    setGrowthFactor(next);
  };
  adjust();
  new PerformanceObserver(adjust).observe({ entryTypes: ['gc'] });
}
