/**
 * Seeded randomness: the same seed gives the same shuffles on every platform.
 *
 * @example
 * ```ts
 * import { mulberry32, permutation } from '@rnnkit/windowing';
 * const rand = mulberry32(42);
 * rand(); // 0.6011037519201636
 * Array.from(permutation(5, mulberry32(1))); // [4, 2, 1, 0, 3]
 * ```
 */

/** mulberry32: a small, fast, seedable PRNG giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `a` in place with Fisher-Yates (uniform over all orders) and returns it. */
export function shuffleInPlace<A extends { [i: number]: unknown; length: number }>(
  a: A,
  rand: () => number,
): A {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = a[i];
    a[i] = a[j];
    a[j] = tmp;
  }
  return a;
}

/** A seeded random order of 0 .. n-1. */
export function permutation(n: number, rand: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return shuffleInPlace(order, rand);
}
