/**
 * A small deterministic PRNG (mulberry32) so generated model files are byte-identical for a seed.
 * Not for anything security-related.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Fills `target` with uniform values of the given standard deviation, centred on 0. */
  fillUniform(target: Float32Array, standardDeviation: number): Float32Array {
    // A uniform distribution on [-a, a] has standard deviation a / sqrt(3).
    const halfWidth = standardDeviation * Math.sqrt(3);
    for (let index = 0; index < target.length; index++) {
      target[index] = (this.next() * 2 - 1) * halfWidth;
    }
    return target;
  }
}
