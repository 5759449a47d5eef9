/**
 * One-hot rows and id counts as flat typed arrays, without tfjs (wrap them with
 * `tf.tensor(data, shape)` when a model needs them).
 *
 * @example
 * ```ts
 * import { countIds, oneHot } from '@rnnkit/vocab';
 * oneHot([2, 0], 3); // Float32Array [0, 0, 1, 1, 0, 0]  ([2, 3])
 * countIds([2, 0, 2], 3); // Float32Array [1, 0, 2]
 * countIds([2, 0, 2], 3, { binary: true }); // Float32Array [1, 0, 1]
 * ```
 */
import { VocabError } from './errors.js';

/** `[ids.length, depth]` row-major one-hot rows; throws `UNKNOWN_ID` for an id outside `[0, depth)`. */
export function oneHot(ids: ArrayLike<number>, depth: number): Float32Array {
  checkDepth(depth);
  const out = new Float32Array(ids.length * depth); // [ids.length, depth]
  for (let i = 0; i < ids.length; i++) out[i * depth + checkId(ids[i]!, i, depth)] = 1;
  return out;
}

export interface CountIdsOptions {
  /** 1 for every id present instead of its count (Keras `multi_hot`). Default false (`count`). */
  binary?: boolean;
}

/** `[depth]` counts of each id in `ids` (a bag of tokens); throws `UNKNOWN_ID` when out of range. */
export function countIds(
  ids: ArrayLike<number>,
  depth: number,
  options: CountIdsOptions = {},
): Float32Array {
  checkDepth(depth);
  const out = new Float32Array(depth); // [depth]
  for (let i = 0; i < ids.length; i++) {
    const id = checkId(ids[i]!, i, depth);
    out[id] = options.binary ? 1 : out[id]! + 1;
  }
  return out;
}

function checkDepth(depth: number): void {
  if (!Number.isInteger(depth) || depth < 1) {
    throw new VocabError(
      'INVALID_ARGUMENT',
      `depth must be an integer >= 1, got ${depth}: pass vocab.size`,
    );
  }
}

// Without the check, a typed array silently drops an out-of-range write and the row stays zero.
function checkId(id: number, position: number, depth: number): number {
  if (!Number.isInteger(id) || id < 0 || id >= depth) {
    throw new VocabError(
      'UNKNOWN_ID',
      `id ${id} at position ${position} is outside [0, ${depth}): is depth the vocab size?`,
    );
  }
  return id;
}
