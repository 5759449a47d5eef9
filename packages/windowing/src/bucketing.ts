/**
 * Length bucketing: batches of sequences of similar length, each padded only to the longest
 * sequence in its batch, so little compute is spent on padding. The mask and the input indices
 * travel with every batch (gather labels with `batch.indices`).
 *
 * @example
 * ```ts
 * import { bucketBatches } from '@rnnkit/windowing';
 * const seqs = [[1], [1, 2, 3, 4], [1, 2], [1, 2, 3, 4, 5], [1, 2, 3]];
 * for (const b of bucketBatches(seqs, { batchSize: 2 })) console.log(b.shapes.x, b.indices);
 * // [ 2, 2 ] Int32Array(2) [ 0, 2 ]
 * // [ 2, 4 ] Int32Array(2) [ 4, 1 ]
 * // [ 1, 5 ] Int32Array(1) [ 3 ]
 * ```
 */

import { WindowingError } from './errors.js';
import type { PadArgs, PaddedBatch } from './padding.js';
import { checkSequences, padRows } from './padding.js';
import { mulberry32, shuffleInPlace } from './random.js';
import { positiveInt } from './validate.js';

export interface BucketArgs extends Omit<PadArgs, 'padding'> {
  /** Sequences per batch. */
  batchSize: number;
  /**
   * Upper length bounds (exclusive) of the buckets, ascending, e.g. [10, 20, 40]: lengths < 10,
   * 10..19, 20..39 and >= 40. Default: sort all sequences by length and cut consecutive batches,
   * which gives the least padding.
   */
  boundaries?: readonly number[];
  /** Where padding goes. Default 'post' (time steps line up at t = 0, as masked RNNs expect). */
  padding?: 'pre' | 'post';
  /** Shuffle within buckets and the order of batches, seeded. Default false. */
  shuffle?: boolean;
  /** Seed of the shuffles. Default 0. */
  seed?: number;
  /** Drop each bucket's last batch when smaller than batchSize. Default false. */
  dropRemainder?: boolean;
}

/** Lazy bucketed batches; each `for ... of` is one epoch (reshuffled when shuffle is on). */
export function bucketBatches(
  seqs: readonly ArrayLike<number>[],
  args: BucketArgs,
): Iterable<PaddedBatch> & { readonly length: number } {
  checkSequences('sequences', seqs);
  const batchSize = positiveInt('batchSize', args.batchSize);
  const bounds = args.boundaries;
  if (bounds) {
    for (let i = 0; i < bounds.length; i++) {
      const b = bounds[i]!;
      if (!Number.isInteger(b) || b < 1 || (i > 0 && b <= bounds[i - 1]!)) {
        throw new WindowingError(
          'BAD_OPTION',
          `boundaries must be ascending integers >= 1, got [${bounds.join(', ')}]`,
        );
      }
    }
  }
  const maxLength =
    args.maxLength === undefined ? undefined : positiveInt('maxLength', args.maxLength);
  const lengthOf = (i: number): number => Math.min(seqs[i]!.length, maxLength ?? Infinity);
  // Bucket of each sequence: the first boundary above its length (sorted order when none given)
  const buckets: number[][] = [];
  if (bounds) {
    for (let b = 0; b <= bounds.length; b++) buckets.push([]);
    for (let i = 0; i < seqs.length; i++) {
      const len = lengthOf(i);
      let b = 0;
      while (b < bounds.length && len >= bounds[b]!) b++;
      buckets[b]!.push(i);
    }
  } else {
    // stable sort by length: equal lengths keep input order
    buckets.push(Array.from(seqs.keys()).sort((a, b) => lengthOf(a) - lengthOf(b) || a - b));
  }
  const per = (n: number): number =>
    args.dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  const length = buckets.reduce((sum, b) => sum + per(b.length), 0);
  const rand = mulberry32(args.seed ?? 0);
  const padArgs: PadArgs = { ...args, padding: args.padding ?? 'post' };

  return {
    length,
    *[Symbol.iterator]() {
      const groups: number[][] = [];
      for (const bucket of buckets) {
        const order = args.shuffle ? shuffleInPlace(bucket.slice(), rand) : bucket;
        for (let i = 0; i + (args.dropRemainder ? batchSize : 1) <= order.length; i += batchSize) {
          groups.push(order.slice(i, i + batchSize));
        }
      }
      if (args.shuffle) shuffleInPlace(groups, rand);
      for (const g of groups) {
        let longest = 1;
        for (const i of g) longest = Math.max(longest, lengthOf(i));
        yield padRows(seqs, g, longest, padArgs);
      }
    },
  };
}
