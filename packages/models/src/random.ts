/**
 * Seeded random numbers on plain arrays, so that weight initialisation is the same on every backend
 * and does not depend on tfjs's global RNG. The uniform source is `mulberry32` from
 * `@rnnkit/windowing`.
 *
 * Neighbours: the folders `cells/`, `layers/`, `topologies/`, `generation/`, `recurrence/`,
 * `artifact/` and `fast/` (see CONTRIBUTING.md).
 */

/** Standard normal samples by Box-Muller. */
export function normal(rand: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - rand(); // (0, 1], keeps log finite
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Derives an independent 32-bit seed for a named part of a model from the model seed. */
export function subSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
