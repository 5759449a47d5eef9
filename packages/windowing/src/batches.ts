/**
 * Lazy, seeded batch iteration over any example source (next-token windows, series windows,
 * padded sequences, seq2seq pairs). Only one batch is copied at a time; with `reuse: true` the
 * same buffers are refilled, so iterating a whole corpus allocates one batch in all.
 *
 * @example
 * ```ts
 * import { batches, nextTokenWindows } from '@rnnkit/windowing';
 * const windows = nextTokenWindows([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { seqLength: 3 });
 * for (const b of batches(windows, { batchSize: 4 })) console.log(b.size, b.shapes.x);
 * // 4 [ 4, 3 ]
 * // 3 [ 3, 3 ]
 * ```
 */
import { WindowingError } from './errors.js';
import { mulberry32, permutation } from './random.js';
import { positiveInt } from './validate.js';

/** The typed arrays a batch may hold; masks are Uint8Array (1 = real step, 0 = padding). */
export type BatchArray = Int32Array | Float32Array | Uint8Array;

/** A batch of examples: typed arrays, row-major, and the shape of each (first axis = size). */
export interface ArrayBatch {
  /** Examples in this batch; the last batch of an epoch may be smaller. */
  readonly size: number;
  /** Shape of every array field, by field name, e.g. `{ x: [64, 64], y: [64, 64] }`. */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
}

/** Anything that can copy a chosen set of examples into a batch. */
export interface ExampleSource<B extends ArrayBatch> {
  /** Number of examples. */
  readonly length: number;
  /**
   * Copies examples `indices` (in that order) into a batch. With `into` (a batch this source made
   * for at least `indices.length` examples) its buffers are refilled instead of allocated, and
   * the returned arrays are those buffers or views of their start.
   */
  batch(indices: ArrayLike<number>, into?: B): B;
}

/** Options of {@link batches}. */
export interface BatchesArgs {
  /** Examples per batch. */
  batchSize: number;
  /**
   * Order of examples: `false` (default) keeps source order, as Keras does with shuffle=False;
   * `true` or `'permutation'` draws a fresh seeded permutation each epoch (exact, O(n) memory of
   * Int32); `'buffer'` streams through a shuffle buffer of `bufferSize` like tf.data's shuffle
   * (local mixing, O(bufferSize) memory).
   */
  shuffle?: boolean | 'permutation' | 'buffer';
  /** Shuffle-buffer size for `shuffle: 'buffer'`. Default 1024 (the Keras default without batchSize). */
  bufferSize?: number;
  /** Seed of the shuffles. Default 0. Epoch e of a given seed is always the same order. */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize. Default false (keep it, like Keras). */
  dropRemainder?: boolean;
  /**
   * Refill one set of buffers for every batch (fast, bounded memory). A batch is then only valid
   * until the next one is requested: copy it (or use {@link toTensors}, which copies) to keep it.
   * Default false.
   */
  reuse?: boolean;
  /** Iterate only these example indices (e.g. the train part of a split). Default all. */
  indices?: ArrayLike<number>;
}

/** A re-iterable sequence of batches: each `for ... of` is one epoch. */
export interface Batches<B extends ArrayBatch> extends Iterable<B> {
  /** Batches per epoch. */
  readonly length: number;
  /** Examples per epoch (after dropRemainder). */
  readonly examples: number;
}

const DEFAULT_BUFFER_SIZE = 1024;

/** Lazily batches `source`; see {@link BatchesArgs} for order, remainder and buffer reuse. */
export function batches<B extends ArrayBatch>(
  source: ExampleSource<B>,
  args: BatchesArgs,
): Batches<B> {
  const batchSize = positiveInt('batchSize', args.batchSize);
  const mode = args.shuffle === true ? 'permutation' : args.shuffle || 'none';
  if (mode !== 'none' && mode !== 'permutation' && mode !== 'buffer') {
    throw new WindowingError(
      'BAD_OPTION',
      `shuffle must be false, true, 'permutation' or 'buffer', got ${String(args.shuffle)}`,
    );
  }
  const bufferSize = positiveInt('bufferSize', args.bufferSize ?? DEFAULT_BUFFER_SIZE);
  const subset = args.indices;
  if (subset) {
    for (let i = 0; i < subset.length; i++) {
      const k = subset[i]!;
      if (!Number.isInteger(k) || k < 0 || k >= source.length) {
        throw new WindowingError(
          'OUT_OF_RANGE',
          `indices[${i}] is ${k}, expected an integer in [0, ${source.length}): ` +
            'pass indices of this source (e.g. from shuffledSplit on its length)',
        );
      }
    }
  }
  const n = subset ? subset.length : source.length;
  const full = Math.floor(n / batchSize);
  const length = args.dropRemainder || n % batchSize === 0 ? full : full + 1;
  const examples = args.dropRemainder ? full * batchSize : n;
  const rand = mulberry32(args.seed ?? 0); // advances across epochs: epoch 2 differs from epoch 1
  const at = (i: number): number => (subset ? subset[i]! : i);

  /**
   * The example order of one epoch as a pull function (k-th call gives the k-th example). A
   * closure instead of a generator: a generator step per example costs more than the copy.
   */
  function orderOf(): (k: number) => number {
    if (mode === 'permutation') {
      const p = permutation(n, rand);
      return (k) => at(p[k]!);
    }
    if (mode === 'buffer') {
      // tf.data-style: fill a buffer, then emit a random slot and refill it from the stream
      const buf = new Int32Array(Math.min(bufferSize, n));
      let filled = 0;
      let next = 0;
      while (filled < buf.length) buf[filled++] = at(next++);
      return () => {
        const j = Math.floor(rand() * filled);
        const out = buf[j]!;
        if (next < n) buf[j] = at(next++);
        else buf[j] = buf[--filled]!;
        return out;
      };
    }
    return at;
  }

  return {
    length,
    examples,
    *[Symbol.iterator]() {
      const idx = new Int32Array(batchSize);
      let buffers: B | undefined;
      let fill = 0;
      let made = 0;
      const order = orderOf();
      for (let i = 0; i < n; i++) {
        idx[fill++] = order(i);
        if (fill === batchSize) {
          const b = source.batch(idx, args.reuse ? buffers : undefined);
          if (args.reuse) buffers = b;
          fill = 0;
          made++;
          yield b;
        }
      }
      if (fill > 0 && !args.dropRemainder && made < length) {
        yield source.batch(idx.subarray(0, fill), args.reuse ? buffers : undefined);
      }
    },
  };
}

/**
 * For sources: the buffers of `into` when they hold at least `size` rows of `rowSize`, else
 * new ones. Returns the array to write into, sized exactly `size * rowSize` (a view when reused).
 */
export function rows<T extends BatchArray>(
  make: (n: number) => T,
  into: T | undefined,
  size: number,
  rowSize: number,
): T {
  const need = size * rowSize;
  if (into && into.length >= need)
    return (into.length === need ? into : into.subarray(0, need)) as T;
  return make(need);
}
