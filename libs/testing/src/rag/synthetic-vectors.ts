/** FOR TESTS AND BENCHMARKS ONLY: reproducible synthetic embeddings. */

/** Mulberry32: a tiny seeded PRNG, so test data is identical on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Uniform on the sphere: the worst case for HNSW (no structure to exploit). */
export function randomVectors(count: number, dimensions: number, seed = 1): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () =>
    Float32Array.from({ length: dimensions }, () => gaussian(random)),
  );
}

/**
 * Points scattered around `clusters` random centres (noise `spread` relative to a unit centre):
 * closer to real sentence embeddings, which form topical clusters. Calls with the same
 * `centreSeed` and `clusters` share centres, so queries (another `seed`) fall in the data's clusters.
 */
export function clusteredVectors(
  count: number,
  dimensions: number,
  options: { clusters?: number; spread?: number; seed?: number; centreSeed?: number } = {},
): Float32Array[] {
  const random = seededRandom(options.seed ?? 1);
  const clusters = options.clusters ?? 100;
  const spread = options.spread ?? 0.35;
  const centres = randomVectors(clusters, dimensions, options.centreSeed ?? 7919).map(unit);
  const noiseScale = spread / Math.sqrt(dimensions);
  return Array.from({ length: count }, () => {
    const centre = centres[Math.floor(random() * clusters)];
    return Float32Array.from(centre, (value) => value + gaussian(random) * noiseScale);
  });
}

function unit(vector: Float32Array): Float32Array {
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}
