/**
 * Seeded shuffled splits of independent examples.
 *
 * @example
 * ```ts
 * import { shuffledSplit } from '@rnnkit/windowing';
 * const { train, test } = shuffledSplit(100, { test: 0.2, seed: 42 });
 * train.length; // 80
 * ```
 */
import { mulberry32 } from './random.js';

export interface ShuffledSplitArgs {
  /** Fraction of examples for the test part, in [0, 1). */
  test: number;
  /** Seed of the shuffle. */
  seed: number;
}

/** Returns disjoint index arrays; `test` gets round(n * test) examples. */
export function shuffledSplit(
  n: number,
  args: ShuffledSplitArgs,
): { train: Int32Array; test: Int32Array } {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(args.seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1)); // Fisher-Yates
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  const nTest = Math.round(n * args.test);
  return { train: order.slice(nTest), test: order.slice(0, nTest) };
}
