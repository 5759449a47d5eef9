/**
 * The training loss of a model whose output layer is a linear `Dense` (the logits of `manyToMany`,
 * the `classes` / `regression` heads of `manyToOne`), computed with the head and the loss as one
 * op: `denseSoftmaxCrossEntropy` for sparse cross-entropy on logits, `denseMeanSquaredError` for
 * MSE. The model runs up to the head's input; the head's product, the softmax or error and their
 * gradients are one JS pass with transpose-free products, instead of tfjs's Dense (whose gradient
 * multiplies transposed operands, 13-34x slower on wasm: apps/docs/guide/performance.md) followed
 * by about fifteen
 * small loss kernels. Same values and gradients as `model.apply` + the named loss (tested within
 * 1e-5 and 1e-4); `@rnnkit/training`'s trainer uses it whenever its loss is one of
 * {@link FUSED_LOSSES}.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * import { fusedHeadLoss, manyToMany } from '@rnnkit/models';
 * const { model } = manyToMany({ cell: 'lstm', units: 8, classes: 5,
 *   input: { type: 'oneHot', vocabSize: 5 } });
 * const loss = fusedHeadLoss(model, 'sparseCategoricalCrossentropy')!;
 * const x = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32'); // ids [batch, time]
 * loss(x, tf.tensor2d([[2, 3, 4]], [1, 3], 'int32'), undefined, true, () => {
 *   throw new Error('not used: the shapes fit');
 * }).dataSync(); // Float32Array [1.609...]: about ln 5 for fresh weights
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { FusedHeadLoss } from '../fast-seam.js';
import { oneHotIds, oneHotLookup } from '../layers/inputs.js';
import {
  type RecurrenceSeam,
  type RecurrenceSeamArgs,
  RecurrentLayer,
} from '../layers/recurrent.js';
import { denseMeanSquaredError, denseSoftmaxCrossEntropy } from './fast-dense.js';
import { type HeadData, type HeadOffer, SoftmaxHead, type TakenHead } from './fast-head.js';
import { heapOf } from './fast-wasm.js';
import { headProducts } from './native-load.js';

/** The losses (by `@rnnkit/training`'s names) that have a fused form. */
export const FUSED_LOSSES = ['sparseCategoricalCrossentropy', 'meanSquaredError'] as const;
export type FusedLossName = (typeof FUSED_LOSSES)[number];

/** tfjs's Dense fields read here (public at run time, private in tfjs's typings). */
interface DenseFields {
  units: number;
  kernel: tfl.LayerVariable | null;
  bias: tfl.LayerVariable | null;
  activation: { getClassName(): string } | null;
}

/** The part of a model before its output Dense, and that Dense; null when the model has no such head. */
interface Split {
  trunk: tfl.LayersModel;
  dense: DenseFields;
  /** The trunk's last layer when the head may be offered to it (see {@link headOffer}), else null. */
  headReader: RecurrentLayer | null;
  /** The recurrent layers that read the one-hot of the model's input, each with that one-hot layer. */
  oneHotReaders: { reader: RecurrentLayer; oneHot: tfl.layers.Layer }[];
}

const splits = new WeakMap<tfl.LayersModel, Split | null>();

/** The model's output Dense (linear, one input) and a model of everything before it. */
function splitHead(model: tfl.LayersModel): Split | null {
  if (splits.has(model)) return splits.get(model) ?? null;
  let split: Split | null = null;
  try {
    split = findSplit(model);
  } catch {
    split = null; // not a graph model tfjs can cut (an adapter object): the ordinary path
  }
  splits.set(model, split);
  return split;
}

function findSplit(model: tfl.LayersModel): Split | null {
  // objects that only act like a model (no symbolic graph) take the ordinary path
  const outputs = Array.isArray(model.outputs) ? model.outputs : [];
  const inputs = Array.isArray(model.inputs) ? model.inputs : [];
  const out = outputs.length === 1 ? outputs[0] : undefined;
  const layer = out?.sourceLayer;
  if (!out || !layer || inputs.length === 0 || layer.getClassName() !== 'Dense') return null;
  const dense = layer as unknown as DenseFields;
  const node = layer.inboundNodes[out.nodeIndex];
  const act = dense.activation?.getClassName() ?? 'linear';
  const input = node?.inputTensors.length === 1 ? node.inputTensors[0] : undefined;
  if (act !== 'linear' || !dense.kernel || !input || inputs.includes(input)) return null;
  // one-hot inputs of a loaded model (stock Embedding layers) as tf.oneHot, not a row gather
  for (const l of model.layers) {
    if (l.getClassName() === 'Embedding' && l.name.endsWith('_one_hot')) oneHotLookup(l);
  }
  // Shares the model's layers (and weights); building a container adds no layer references.
  const trunk = tfl.model({ inputs, outputs: input });
  return { trunk, dense, ...readers(trunk) };
}

/**
 * The trunk's recurrent layers that get more than x from the fused loss, found once per model.
 * Only in a trunk of one input (what `manyToMany` and `manyToOne` build; seq2seq's and
 * one-to-many's take their states from a second input), and only layers called once in it, so
 * that what a layer is given belongs to its one call:
 * - the head's reader: the trunk's last layer, a recurrent layer returning its whole sequence and
 *   nothing else, and not stateful. Only the head reads its outputs and nothing differentiates its
 *   final states, so a fast run computing half of its batch in a worker can compute that half's
 *   head there too and run its backward pass right after (`takeHead` in `fast.ts`). A stateful
 *   layer keeps its final states for the next batch: chunks trained under one tape would
 *   differentiate them.
 * - the one-hot readers: recurrent layers whose x is the output of a one-hot lookup of the model's
 *   input (`oneHotLookup` in `layers/inputs.ts`): their kernel may read the ids instead.
 */
function readers(trunk: tfl.LayersModel): Omit<Split, 'trunk' | 'dense'> {
  const none = { headReader: null, oneHotReaders: [] };
  if (trunk.inputs.length !== 1 || trunk.outputs.length !== 1) return none;
  const input = trunk.inputs[0];
  const calls = callsOf(trunk);
  const once = (layer: tfl.layers.Layer): layer is RecurrentLayer =>
    layer instanceof RecurrentLayer && calls.get(layer)?.length === 1;
  const last = trunk.outputs[0]?.sourceLayer;
  const headReader =
    last !== undefined && once(last) && last.returnSequences && !last.returnState && !last.stateful
      ? last
      : null;
  const oneHotReaders: Split['oneHotReaders'] = [];
  for (const [reader, [xs]] of calls) {
    const x = xs?.length === 1 ? xs[0] : undefined; // no initial states given as inputs
    if (!once(reader) || x === undefined) continue;
    const oneHot = x.sourceLayer;
    const from = oneHot.inboundNodes[x.nodeIndex]?.inputTensors;
    if (from?.length === 1 && from[0] === input) oneHotReaders.push({ reader, oneHot });
  }
  return { headReader, oneHotReaders };
}

/** Each layer of the trunk with the inputs of each of its calls in it (the trunk's graph). */
function callsOf(trunk: tfl.LayersModel): Map<tfl.layers.Layer, tfl.SymbolicTensor[][]> {
  const calls = new Map<tfl.layers.Layer, tfl.SymbolicTensor[][]>();
  const seen = new Set<object>(); // nodes (one call of a layer each)
  const todo = [...trunk.outputs];
  for (let t = todo.pop(); t !== undefined; t = todo.pop()) {
    const layer = t.sourceLayer;
    const node = layer.inboundNodes[t.nodeIndex];
    if (node === undefined || seen.has(node) || layer.getClassName() === 'InputLayer') continue;
    seen.add(node);
    calls.set(layer, [...(calls.get(layer) ?? []), node.inputTensors]);
    todo.push(...node.inputTensors);
  }
  return calls;
}

/**
 * The fields the trunk's recurrent layers add to their kernel's inputs for this batch: a one-hot
 * reader the ids of x, the head's reader the head offered.
 */
function seamsOf(
  split: Split,
  x: tf.Tensor,
  offer: HeadOffer | null,
): Map<tfl.layers.Layer, RecurrenceSeam> {
  const seams = new Map<tfl.layers.Layer, RecurrenceSeam>();
  for (const { reader, oneHot } of split.oneHotReaders) {
    const ids = oneHotIds(oneHot, x); // null unless oneHot is a one-hot lookup of these ids
    if (ids !== null) seams.set(reader, { ids });
  }
  if (offer !== null && split.headReader !== null) {
    seams.set(split.headReader, { ...seams.get(split.headReader), head: offer });
  }
  return seams;
}

/**
 * The fused loss of `model` under the named loss, or null when the loss has no fused form or the
 * model's output is not a linear `Dense` (the caller then runs the model and the loss as usual).
 */
export function fusedHeadLoss(model: tfl.LayersModel, loss: string): FusedHeadLoss | null {
  if (!(FUSED_LOSSES as readonly string[]).includes(loss)) return null;
  const split = splitHead(model);
  if (split === null) return null;
  const { trunk, dense } = split;
  const sparseCE = loss === 'sparseCategoricalCrossentropy';
  return (x, y, mask, training, unfused) =>
    tf.tidy(() => {
      const offer = sparseCE && mask === undefined ? headOffer(split, y) : null;
      // the trunk through tfjs's own executor; its recurrent layers get their extra kernel
      // inputs by layer (`RecurrenceSeamArgs`)
      const args: RecurrenceSeamArgs = { recurrenceSeams: seamsOf(split, x, offer) };
      const h = trunk.apply(x, { training, ...args }) as tf.Tensor; // [..., D]
      const units = h.shape[h.rank - 1] as number;
      const rows = h.size / units;
      // reshapes and casts only where they change something: each one is a kernel dispatch,
      // a clone kept for its gradient and another dispatch backward (W2's head: 6 of 8 dispatches)
      const h2 = (h.rank === 2 ? h : tf.reshape(h, [rows, units])) as tf.Tensor2D;
      const w = (dense.kernel as tfl.LayerVariable).read() as tf.Tensor2D; // [D, outputs]
      const outputs = dense.units;
      const b = (dense.bias ? dense.bias.read() : tf.zeros([outputs])) as tf.Tensor1D;
      const fits = sparseCE
        ? y.size === rows && (mask === undefined || mask.size === rows)
        : y.size === rows * outputs && mask === undefined;
      if (!fits) {
        // the ordinary head: what Dense.call computes, then the loss the caller names
        const out = tf.reshape(tf.add(tf.matMul(h2, w), b), [...h.shape.slice(0, -1), outputs]);
        return unfused(out);
      }
      if (!sparseCE) {
        const yf = y.dtype === 'float32' ? y : tf.cast(y, 'float32');
        const fitted = yf.rank === 2 && yf.shape[1] === outputs;
        return denseMeanSquaredError(
          h2,
          w,
          b,
          (fitted ? yf : tf.reshape(yf, [rows, outputs])) as tf.Tensor2D,
        );
      }
      if (mask === undefined) {
        const data = offer?.data ?? headData(dense, y);
        return sparseSoftmaxCrossEntropy(h2, w, b, data, offer?.taken ?? null);
      }
      // labels as one-hot rows; padded rows all zero, so they add nothing to loss or gradient
      let labels = tf.cast(
        tf.oneHot(tf.cast(tf.reshape(y, [rows]), 'int32'), outputs),
        'float32',
      ) as tf.Tensor2D;
      const m = tf.cast(tf.reshape(mask, [rows, 1]), 'float32');
      labels = tf.mul(labels, m);
      // the op averages over all rows; the masked mean is over real rows (at least 1)
      const scale = tf.div(rows, tf.maximum(tf.sum(m), 1));
      return tf.mul(denseSoftmaxCrossEntropy(h2, w, b, labels), scale) as tf.Scalar;
    });
}

/** The head's weights and the batch's labels as arrays (labels as int32 ids, as tf.oneHot casts them). */
function headData(dense: DenseFields, y: tf.Tensor): HeadData {
  const ids = y.dtype === 'int32' ? y.dataSync() : tf.tidy(() => tf.cast(y, 'int32').dataSync());
  return {
    w: (dense.kernel as tfl.LayerVariable).read().dataSync() as Float32Array,
    b: dense.bias ? (dense.bias.read().dataSync() as Float32Array) : null,
    classes: dense.units,
    labels: ids as Int32Array,
  };
}

/**
 * The head offered to the trunk's last layer when it may take it (see {@link readers}): a fast
 * run that splits its batch across threads takes it (`takeHead` in `fast.ts`); any other run
 * leaves it, and its data serves the head here.
 */
function headOffer(split: Split, y: tf.Tensor): HeadOffer | null {
  if (split.headReader === null) return null;
  return { data: headData(split.dense, y), taken: null };
}

/**
 * Mean sparse softmax cross-entropy of the dense layer h w + b (h [rows, units]) against integer
 * labels, as one op: `denseSoftmaxCrossEntropy`'s numbers without a one-hot label tensor
 * (`SoftmaxHead`). When a recurrence run took the head offer (`taken`), it computed both halves'
 * head, forward and (under the tape) backward, each half's backward pass starting from its rows'
 * gradient of h; the gradient returned to the tape for h is zero: the run never reads it (only
 * the head reads h). Weight gradients are summed in a fixed order (this thread's first), so a seed
 * gives the same numbers every run.
 */
function sparseSoftmaxCrossEntropy(
  h: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  data: HeadData,
  taken: TakenHead | null,
): tf.Scalar {
  const [rows, units] = h.shape;
  const op = tf.customGrad((hIn, _w, _b) => {
    if (taken !== null) {
      // computed by the run, as was the loss of every row; the run reads both halves' h gradient
      // from the heads (nothing else reads h), so the tape's is zero
      return {
        value: tf.scalar(taken.loss / rows),
        gradFunc: (dy: tf.Tensor) => {
          const g = taken.backward((dy.dataSync()[0] as number) / rows);
          return [
            // filled where it lives: tf.zeros makes the array in JS and copies it over (W1's
            // [2048, 256] on wasm: 1.2 against 0.14 ms a step, on the thread the other waits for)
            tf.fill([rows, units], 0),
            tf.tensor2d(g.w, [units, data.classes]),
            tf.tensor1d(g.b),
          ];
        },
      };
    }
    const hData = (hIn as tf.Tensor).dataSync() as Float32Array;
    const head = new SoftmaxHead(data, hData, rows, units, headProducts(tf.backend()));
    const loss = head.forward();
    return {
      value: tf.scalar(loss / rows),
      gradFunc: (dy: tf.Tensor) => {
        const g = head.backward((dy.dataSync()[0] as number) / rows);
        const dh = tf.tensor2d(head.dh as Float32Array, [rows, units]);
        if (heapOf(tf.backend()) !== null) head.releaseDh(); // wasm copied it (cpu keeps it)
        return [dh, tf.tensor2d(g.w, [units, data.classes]), tf.tensor1d(g.b)];
      },
    };
  });
  return op(h, w, b) as tf.Scalar;
}
