/**
 * The tensor adapter: batches of typed arrays to tfjs tensors, with clear ownership.
 * - `toTensors(batch)`: one tensor per field; the caller owns (and disposes) them.
 * - `tensorBatches(batches)`: a generator that disposes the previous batch's tensors when the
 *   next is requested, and the last when the loop ends or breaks.
 * - `toFitDataset(batches, { xs, ys })`: an object that `model.fitDataset` accepts.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { batches, nextTokenWindows, tensorBatches } from '@rnnkit/windowing';
 * const windows = nextTokenWindows([0, 1, 2, 3, 4, 5, 6, 7], { seqLength: 3 });
 * for (const t of tensorBatches(batches(windows, { batchSize: 2, reuse: true }))) {
 *   console.log(t.x.shape, t.x.dtype, t.mask.dtype);
 * }
 * // [ 2, 3 ] int32 float32
 * // [ 2, 3 ] int32 float32
 * // [ 1, 3 ] int32 float32
 * tf.memory().numTensors; // 0: every batch was disposed
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ArrayBatch, BatchArray } from './batches.js';
import { WindowingError } from './errors.js';

/** One tensor per array field of a batch (optional fields stay optional). */
export type TensorsOf<B extends ArrayBatch> = { [K in keyof B['shapes']]: tf.Tensor };

function tensorOf(name: string, data: unknown, shape: readonly number[] | undefined): tf.Tensor {
  if (!shape) {
    throw new WindowingError('BAD_OPTION', `batch has no shape for field '${name}'`);
  }
  // tf.tensor keeps a reference to a typed array of the right dtype instead of copying it; batch
  // buffers may be reused by the next batch, so always hand tfjs its own copy.
  if (data instanceof Int32Array) return tf.tensor(data.slice(), [...shape], 'int32');
  if (data instanceof Float32Array) return tf.tensor(data.slice(), [...shape], 'float32');
  // masks: float32 so that they can weight a loss directly
  if (data instanceof Uint8Array) return tf.tensor(Float32Array.from(data), [...shape], 'float32');
  throw new WindowingError(
    'BAD_OPTION',
    `batch field '${name}' is not an Int32Array, Float32Array or Uint8Array`,
  );
}

/** Tensors for the fields of `batch` (all of its shapes, or only `keys`). The caller owns them. */
export function toTensors<B extends ArrayBatch, K extends keyof B['shapes'] & string>(
  batch: B,
  keys?: readonly K[],
): Pick<TensorsOf<B>, K> {
  const names = (keys ?? Object.keys(batch.shapes)) as string[];
  const out: Record<string, tf.Tensor> = {};
  try {
    for (const k of names) {
      out[k] = tensorOf(k, (batch as unknown as Record<string, BatchArray>)[k], batch.shapes[k]);
    }
  } catch (e) {
    tf.dispose(Object.values(out)); // do not leak the tensors made before the failure
    throw e;
  }
  return out as Pick<TensorsOf<B>, K>;
}

/**
 * Tensors for each batch. The tensors of a batch live until the next one is requested (or the
 * loop ends, breaks or throws); `tf.keep` or clone what you need longer.
 */
export function* tensorBatches<B extends ArrayBatch>(
  source: Iterable<B>,
): Generator<TensorsOf<B>, void, undefined> {
  let current: TensorsOf<B> | undefined;
  try {
    for (const b of source) {
      if (current) tf.dispose(Object.values(current) as tf.Tensor[]);
      current = undefined;
      current = toTensors(b) as TensorsOf<B>;
      yield current;
    }
  } finally {
    if (current) tf.dispose(Object.values(current) as tf.Tensor[]);
  }
}

/** Which batch fields feed the model: one name, or several for a multi-input/output model. */
export interface FitDatasetArgs<K extends string> {
  xs: K | readonly K[];
  ys: K | readonly K[];
}

/** What tfjs-layers' `model.fitDataset` reads: `iterator()` resolving to `{ next() }`. */
export interface FitDataset {
  /** Batches per epoch; tfjs uses it only for progress bars. */
  readonly size: number | null;
  iterator(): Promise<{
    next(): Promise<IteratorResult<{ xs: tf.Tensor | tf.Tensor[]; ys: tf.Tensor | tf.Tensor[] }>>;
  }>;
}

/**
 * An adapter for `model.fitDataset(ds, { epochs })` without depending on `@tensorflow/tfjs-data`:
 * tfjs-layers' fitDataset only calls `iterator()` (once per epoch) and `next()` on it, and
 * disposes the xs/ys tensors after each training step (training_dataset.ts, `tfc.dispose(ins)`),
 * so this adapter makes tensors for the `xs`/`ys` fields only and hands their ownership over.
 * `batches` must be re-iterable (e.g. from {@link batches}): each epoch iterates it again.
 */
export function toFitDataset<B extends ArrayBatch, K extends keyof B['shapes'] & string>(
  source: Iterable<B> & { readonly length?: number },
  args: FitDatasetArgs<K>,
): FitDataset {
  const xs = (typeof args.xs === 'string' ? [args.xs] : args.xs) as readonly K[];
  const ys = (typeof args.ys === 'string' ? [args.ys] : args.ys) as readonly K[];
  const pick = (t: Pick<TensorsOf<B>, K>, keys: readonly K[], single: boolean) =>
    single ? (t[keys[0]!] as tf.Tensor) : keys.map((k) => t[k] as tf.Tensor);
  return {
    size: source.length ?? null,
    async iterator() {
      const it = source[Symbol.iterator]();
      return {
        async next() {
          const r = it.next();
          if (r.done) return { done: true, value: undefined };
          const t = toTensors(r.value, [...xs, ...ys]);
          return {
            done: false,
            value: {
              xs: pick(t, xs, typeof args.xs === 'string'),
              ys: pick(t, ys, typeof args.ys === 'string'),
            },
          };
        },
      };
    },
  };
}
