/**
 * A small seeded pseudo-random generator (mulberry32) for reproducible test weights.
 */

/** Draws reproducible random numbers from a 32-bit seed. */
export class SeededRandom {
  #state: number;

  /** @param seed - any integer; equal seeds give equal sequences. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let value = this.#state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  }

  /**
   * `count` values with mean 0 and standard deviation `deviation`. They are uniform, not normal: the test
   * models only need reproducible, zero-mean weights of the right scale, and uniform draws are cheaper.
   */
  fill(count: number, deviation: number): Float32Array {
    const values = new Float32Array(count);
    const width = deviation * Math.sqrt(3);
    for (let index = 0; index < count; index++) values[index] = (this.next() * 2 - 1) * width;
    return values;
  }
}
