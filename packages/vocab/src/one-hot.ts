/**
 * One-hot rows as a flat typed array, without tfjs.
 *
 * @example
 * ```ts
 * oneHot([2, 0], 3); // Float32Array [0, 0, 1, 1, 0, 0]
 * ```
 */
export function oneHot(ids: ArrayLike<number>, depth: number): Float32Array {
  const out = new Float32Array(ids.length * depth); // [ids.length, depth]
  for (let i = 0; i < ids.length; i++) out[i * depth + ids[i]!] = 1;
  return out;
}
