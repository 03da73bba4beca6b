import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

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

/** The growth factor V8 should use now; `applyGrowthFactor` sets it. */
let chooseGrowthFactor: () => number = () => V8_GROWTH_FACTOR;

function applyGrowthFactor(): void {
  setGrowthFactor(chooseGrowthFactor());
}

/**
 * Holds V8's new space (the young generation's two semi-spaces) at boot: no growth until
 * `limitNewSpace` decides. Called before the application's modules load, because loading them
 * allocates enough to grow it to V8's maximum at once (32 MB, then committed for good).
 *
 * The flag is process-wide, and every new V8 isolate (each worker thread, as it starts) raises
 * it back to at least 2: so whenever a worker thread comes online the factor is set again.
 */
export function holdNewSpaceGrowth(): void {
  chooseGrowthFactor = () => 1;
  applyGrowthFactor();
  process.on('worker', (worker: Worker) => worker.once('online', applyGrowthFactor));
}

/**
 * Keeps the new space within `maxMb` (0: V8's own maximum, 32 MB on 64-bit). Under sustained
 * allocation V8 grows it, doubling, to that maximum and keeps the pages committed: 32 MB of the
 * gateway's RSS for a space whose live content under load is ~0.4 MB. At 16 MB scavenges run
 * twice as often, each a little cheaper (measured: 78 against 41 per 10k requests, ~300 against
 * ~200 ms of pauses: ~0.01 ms per request, for 10-15 MB less peak RSS); below ~8 MB requests
 * still in flight at two scavenges in a row are promoted, and the old generation grows faster
 * (measured: 8 MB promotes ~20% more per request, 4 MB halves throughput).
 *
 * Only a command-line flag sets the maximum (`--max-semi-space-size`); at run time V8 reads just
 * the growth factor, each time it grows the space. So after every GC the factor is set to 2 or
 * to 1, every time, not only when the choice changes: a worker thread starting resets it (above;
 * seen: the SQLite append thread starting under load let the space grow to 32 MB under a 4 MB
 * ceiling), and a GC may come before the worker's `online` event. The observer runs on the event
 * loop, after the GC: two GCs back to back can each double the space before it runs. So growth
 * stops at half of `maxMb`, and that second doubling still lands within it: the default 32
 * holds the space at 16 MB. No library does this.
 */
export function limitNewSpace(maxMb: number): void {
  const maxBytes = maxMb * MB;
  chooseGrowthFactor =
    maxMb <= 0
      ? () => V8_GROWTH_FACTOR
      : () => {
          const twiceGrown = newSpaceCapacityBytes() * V8_GROWTH_FACTOR * V8_GROWTH_FACTOR;
          return twiceGrown <= maxBytes * CAPACITY_SLACK ? V8_GROWTH_FACTOR : 1;
        };
  applyGrowthFactor();
  if (maxMb > 0) new PerformanceObserver(applyGrowthFactor).observe({ entryTypes: ['gc'] });
}
