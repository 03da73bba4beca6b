import { setFlagsFromString } from 'node:v8';

/**
 * Bounds how far V8 lets the old generation grow past the live heap before the next full GC.
 * Left to itself, V8 picks a growth factor of up to 4× when full GCs look cheap: a gateway with
 * ~30 MB live then idles at ~130 MB RSS and peaks at ~250 MB under load, holding garbage it could
 * have freed. With 30% (HEAP_GROWTH_PERCENT) the old generation stays near 1.3× the live heap:
 * the peak drops to ~170 MB in `bench:overhead` at no throughput cost measured there, since a full
 * GC of a small heap is mostly concurrent. V8 reads this flag each time it sets the next limit, so
 * setting it at boot (Node leaves V8's flags writable) takes effect from the first full GC; an
 * operator's own `--max-old-space-size` or NODE_OPTIONS still apply. No library does this.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
