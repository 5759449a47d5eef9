/**
 * Training data in every form the loop accepts, turned into epochs of tensor batches whose order
 * is a pure function of (seed, epoch): so a resumed run can skip exactly the batches already done.
 *
 * - tensors `{ x, y, mask? }` (first axis = examples), or nested plain arrays of the same;
 * - a windowing example source (`nextTokenWindows(...)`, `seriesWindowSource(...)`: anything with
 *   `length` and `batch(indices)` whose batches hold `x`, `y` and optionally `mask`);
 * - any iterable of batches (`batches(...)` of the windowing package, or tensor batches). Its
 *   order is its own: resume fast-forwards through it, exact only for a fresh iterable that
 *   repeats itself (as `batches` does from its seed).
 *
 * @example
 * ```ts
 * const plan = planEpochs(nextTokenWindows(ids, { seqLength: 64 }), { batchSize: 32, shuffle: true, seed: 1 });
 * for (const b of plan.epoch(0, 0)) trainer.step(b); // b.x [32, 64] int32, disposed after the step
 * ```
 */
import {
  type ArrayBatch,
  batches,
  type ExampleSource,
  mulberry32,
  permutation,
  toTensors,
} from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { TrainingError } from './errors.js';
import type { Batch } from './trainer.js';

/** Nested plain arrays: [examples, ...]. */
export type NestedArray = number[] | number[][] | number[][][] | number[][][][];

export type TrainData =
  | Batch
  | { x: NestedArray; y: NestedArray; mask?: NestedArray }
  | ExampleSource<ArrayBatch>
  | Iterable<ArrayBatch | Batch>;

export interface PlanArgs {
  batchSize: number;
  /** Shuffle each epoch (index-based data only; iterables keep their own order). */
  shuffle: boolean;
  seed: number;
  /** Cast y to int32 (class labels) instead of float32. */
  intLabels?: boolean;
}

/** Epochs of tensor batches. Each yielded batch is disposed when the next one is requested. */
export interface EpochPlan {
  /** Batches per epoch, or undefined for an iterable of unknown length (until one epoch ends). */
  batchesPerEpoch: number | undefined;
  /** The batches of epoch `epoch` (0-based) after skipping the first `skip`. */
  epoch(epoch: number, skip: number): Generator<Batch, void, undefined>;
  /** Frees tensors the plan made (converted plain arrays). */
  dispose(): void;
}

/** A 32-bit hash of (a, b) (murmur3's finaliser): independent seeds for epochs, steps and layers. */
export function mixSeeds(a: number, b: number): number {
  let h = (a ^ Math.imul(b + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit seed for (seed, epoch): each epoch's shuffle is independent of the others run. */
export function epochSeed(seed: number, epoch: number): number {
  return mixSeeds(seed, epoch);
}

function isTensor(v: unknown): v is tf.Tensor {
  return v instanceof tf.Tensor;
}

function isSource(d: unknown): d is ExampleSource<ArrayBatch> {
  const s = d as ExampleSource<ArrayBatch>;
  return typeof s?.batch === 'function' && typeof s.length === 'number';
}

function isIterable(d: unknown): d is Iterable<ArrayBatch | Batch> {
  return typeof (d as Iterable<unknown>)?.[Symbol.iterator] === 'function';
}

/** The example order of an epoch: identity or a seeded permutation. */
function orderOf(n: number, args: PlanArgs, epoch: number): Int32Array {
  if (args.shuffle) return permutation(n, mulberry32(epochSeed(args.seed, epoch)));
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Tensors of an array batch: x as is, y as labels or values, mask float32. */
function fromArrays(b: ArrayBatch, intLabels: boolean | undefined): Batch {
  const t = toTensors(b) as Record<string, tf.Tensor>;
  const { x, y, mask } = t;
  if (!x || !y) {
    tf.dispose(Object.values(t));
    throw new TrainingError(
      'BAD_DATA',
      `a batch has fields ${JSON.stringify(Object.keys(b.shapes))}, expected x and y (and optionally mask): ` +
        'give the loop a source whose batches hold x and y, e.g. nextTokenWindows or seriesWindowSource with targets',
    );
  }
  for (const [k, v] of Object.entries(t)) if (k !== 'x' && k !== 'y' && k !== 'mask') v.dispose();
  const yy = intLabels && y.dtype !== 'int32' ? tf.cast(y, 'int32') : y;
  if (yy !== y) y.dispose();
  return mask ? { x, y: yy, mask } : { x, y: yy };
}

function disposeBatch(b: Batch): void {
  tf.dispose([b.x, b.y, ...(b.mask ? [b.mask] : [])]);
}

/** Backends whose tensor values JS reads without a device round trip. */
const JS_READ_BACKENDS = new Set(['cpu', 'wasm']);

/**
 * Above this many values in all (x, y and mask) the batches are gathered by tfjs ops; below, an
 * epoch reads the values once and copies its rows in JS, in the epoch's order (for a moment two
 * copies of the data: the values read and the rows).
 */
const JS_GATHER_MAX = 1 << 24;

/** The rows `idx` of values [n, row...] (a part of the data: x, y or mask), in that order. */
function gatherRows(t: tf.Tensor, values: tf.TypedArray, idx: Int32Array): tf.TypedArray {
  const row = t.size / (t.shape[0] as number);
  const out = new (values.constructor as Float32ArrayConstructor)(idx.length * row);
  for (let k = 0; k < idx.length; k++) {
    const from = (idx[k] as number) * row;
    if (row > 16) out.set(values.subarray(from, from + row), k * row);
    else for (let j = 0; j < row; j++) out[k * row + j] = values[from + j] as number;
  }
  return out;
}

function tensorPlan(data: Batch, args: PlanArgs, owned: tf.Tensor[]): EpochPlan {
  const n = data.x.shape[0];
  if (!n) {
    throw new TrainingError('BAD_DATA', 'the training data has no examples: x.shape[0] is 0');
  }
  if (data.y.shape[0] !== n || (data.mask && data.mask.shape[0] !== n)) {
    throw new TrainingError(
      'BAD_DATA',
      `x has ${n} examples but y has ${data.y.shape[0]}${data.mask ? ` and mask ${data.mask.shape[0]}` : ''}: ` +
        'give one target (and mask row) per example',
    );
  }
  const y = args.intLabels && data.y.dtype !== 'int32' ? tf.cast(data.y, 'int32') : data.y;
  if (y !== data.y) owned.push(y);
  const parts = data.mask ? [data.x, y, data.mask] : [data.x, y];
  // the rows copied in JS: one tensor per part and batch instead of an index tensor and a gather
  // per part (about a tenth of a small model's step on wasm); the same values either way
  const byJs = (): boolean =>
    JS_READ_BACKENDS.has(tf.getBackend()) &&
    parts.every((t) => t.dtype === 'float32' || t.dtype === 'int32' || t.dtype === 'bool') &&
    parts.reduce((sum, t) => sum + t.size, 0) <= JS_GATHER_MAX;
  return {
    batchesPerEpoch: Math.ceil(n / args.batchSize),
    *epoch(epoch, skip) {
      const order = orderOf(n, args, epoch).subarray(skip * args.batchSize);
      // every part's rows of the epoch gathered once, in order: a batch is a view of them (made
      // per epoch, so the copy lives only while the epoch runs; cpu tensors may keep the views)
      const rows = byJs() ? parts.map((t) => gatherRows(t, t.dataSync(), order)) : undefined;
      for (let start = 0; start < order.length; start += args.batchSize) {
        const end = Math.min(order.length, start + args.batchSize);
        let b: Batch;
        if (rows) {
          const [x, yb, mask] = parts.map((t, i) => {
            const per = t.size / (t.shape[0] as number);
            const shape = [end - start, ...t.shape.slice(1)];
            return tf.tensor(rows[i]!.subarray(start * per, end * per), shape, t.dtype);
          });
          b = mask ? { x: x!, y: yb!, mask } : { x: x!, y: yb! };
        } else {
          b = tf.tidy(() => {
            const i = tf.tensor1d(order.subarray(start, end), 'int32');
            const out: Batch = { x: tf.gather(data.x, i), y: tf.gather(y, i) };
            if (data.mask) out.mask = tf.gather(data.mask, i);
            return out as unknown as tf.TensorContainer;
          }) as unknown as Batch;
        }
        try {
          yield b;
        } finally {
          disposeBatch(b);
        }
      }
    },
    dispose() {
      tf.dispose(owned);
    },
  };
}

function sourcePlan(source: ExampleSource<ArrayBatch>, args: PlanArgs): EpochPlan {
  const n = source.length;
  if (!n) throw new TrainingError('BAD_DATA', 'the training source has no examples (length 0)');
  return {
    batchesPerEpoch: Math.ceil(n / args.batchSize),
    *epoch(epoch, skip) {
      const order = orderOf(n, args, epoch).subarray(skip * args.batchSize);
      if (order.length === 0) return;
      // the order is ours: batches() only copies rows in that order, one reused buffer at a time
      for (const a of batches(source, { batchSize: args.batchSize, indices: order, reuse: true })) {
        const b = fromArrays(a, args.intLabels);
        try {
          yield b;
        } finally {
          disposeBatch(b);
        }
      }
    },
    dispose() {},
  };
}

function iterablePlan(data: Iterable<ArrayBatch | Batch>, args: PlanArgs): EpochPlan {
  const known = (data as { length?: unknown }).length;
  const plan: EpochPlan = {
    batchesPerEpoch: typeof known === 'number' ? known : undefined,
    *epoch(epoch, skip) {
      let k = 0;
      for (const item of data) {
        if (k++ < skip) continue; // fast-forward without making tensors
        if (isTensor((item as Batch).x)) {
          yield item as Batch; // the iterable owns its tensors (tensorBatches disposes them)
          continue;
        }
        const b = fromArrays(item as ArrayBatch, args.intLabels);
        try {
          yield b;
        } finally {
          disposeBatch(b);
        }
      }
      if (plan.batchesPerEpoch === undefined && epoch === 0) plan.batchesPerEpoch = k;
    },
    dispose() {},
  };
  return plan;
}

/** Epochs of batches for any accepted form of training data. */
export function planEpochs(data: TrainData, args: PlanArgs): EpochPlan {
  if (isSource(data)) return sourcePlan(data, args);
  const d = data as { x?: unknown; y?: unknown; mask?: unknown };
  if (isTensor(d.x) && isTensor(d.y)) return tensorPlan(data as Batch, args, []);
  if (Array.isArray(d.x) && Array.isArray(d.y)) {
    const owned: tf.Tensor[] = [];
    try {
      const x = tf.tensor(d.x as NestedArray);
      owned.push(x);
      const y = tf.tensor(d.y as NestedArray, undefined, args.intLabels ? 'int32' : 'float32');
      owned.push(y);
      const batch: Batch = { x, y };
      if (Array.isArray(d.mask)) {
        batch.mask = tf.tensor(d.mask as NestedArray, undefined, 'float32');
        owned.push(batch.mask);
      }
      return tensorPlan(batch, args, owned);
    } catch (e) {
      tf.dispose(owned);
      if (e instanceof TrainingError) throw e;
      throw new TrainingError(
        'BAD_DATA',
        `could not make tensors of the plain arrays x and y: ${(e as Error).message}: give rectangular nested arrays`,
        { cause: e },
      );
    }
  }
  if (isIterable(data)) return iterablePlan(data, args);
  throw new TrainingError(
    'BAD_DATA',
    'unrecognised training data: expected { x, y, mask? } tensors or arrays, a windowing source ' +
      '(nextTokenWindows, seriesWindowSource) or an iterable of batches (batches(...))',
  );
}
