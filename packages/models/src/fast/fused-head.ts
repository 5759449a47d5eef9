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
import { oneHotIds, oneHotLookup } from '../layers/inputs.js';
import { type RecurrenceSeam, RecurrentLayer } from '../layers/recurrent.js';
import { denseMeanSquaredError, denseSoftmaxCrossEntropy } from './fast-dense.js';
import { type HeadData, type HeadOffer, SoftmaxHead, type TakenHead } from './fast-head.js';
import { heapOf } from './fast-wasm.js';
import { headProducts } from './native.js';

/** The losses (by `@rnnkit/training`'s names) that have a fused form. */
export const FUSED_LOSSES = ['sparseCategoricalCrossentropy', 'meanSquaredError'] as const;
export type FusedLossName = (typeof FUSED_LOSSES)[number];

/**
 * The loss of a batch: x as the model reads it, targets, an optional mask ([batch, time] or
 * [batch], 1 = real step), whether in training. `unfused` gets the model output when the batch does
 * not fit the fused form (targets or mask of another size) and returns the loss computed the
 * ordinary way.
 */
export type FusedHeadLoss = (
  x: tf.Tensor,
  y: tf.Tensor,
  mask: tf.Tensor | undefined,
  training: boolean,
  unfused: (output: tf.Tensor) => tf.Scalar,
) => tf.Scalar;

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
  /** The trunk as a chain of layers (see {@link chainOf}), else null. */
  chain: Chain | null;
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
  return { trunk, dense, chain: chainOf(trunk) };
}

/** A trunk that is one chain of layers: its input and, in order, each layer and its output. */
interface Chain {
  input: tfl.SymbolicTensor;
  steps: { layer: tfl.layers.Layer; output: tfl.SymbolicTensor }[];
}

/**
 * The trunk as a chain: one input, and every layer from it to the output applied once to the
 * single output of the one before (what every topology builder but seq2seq and attention makes);
 * null otherwise.
 */
function chainOf(trunk: tfl.LayersModel): Chain | null {
  if (trunk.inputs.length !== 1 || trunk.outputs.length !== 1) return null;
  const input = trunk.inputs[0] as tfl.SymbolicTensor;
  const steps: Chain['steps'] = [];
  let t = trunk.outputs[0] as tfl.SymbolicTensor;
  while (t !== input) {
    const layer = t.sourceLayer;
    const node = layer.inboundNodes[t.nodeIndex];
    if (layer.getClassName() === 'InputLayer' || !node) return null;
    if (node.inputTensors.length !== 1 || node.outputTensors.length !== 1) return null;
    steps.unshift({ layer, output: t });
    t = node.inputTensors[0] as tfl.SymbolicTensor;
  }
  return { input, steps };
}

/** A value as tfjs-layers' feed dictionary stores it: cast to its symbolic tensor's dtype. */
function fed(key: tfl.SymbolicTensor, value: tf.Tensor): tf.Tensor {
  return key.dtype == null || key.dtype === value.dtype ? value : tf.cast(value, key.dtype);
}

/**
 * The trunk's output for x, computed as tfjs-layers' executor computes a chain (the same `apply`
 * and `computeMask` calls with the same arguments: lists of one input and its mask, one options
 * object that carries the latest mask once a layer made one, values cast to their symbolic
 * dtype), without the executor's per-call bookkeeping (feed dictionaries, a cache looked up by
 * joined tensor names, a nested tidy): about 70 us of a 2 ms W2 step on wasm.
 */
function runChain(
  chain: Chain,
  x: tf.Tensor,
  training: boolean,
  offer: HeadOffer | null,
): tf.Tensor {
  const kwargs: Record<string, unknown> = { training };
  let value = fed(chain.input, x);
  let mask: tf.Tensor | undefined;
  let ids: Int32Array | null = null; // value is the one-hot of these ids
  const last = chain.steps[chain.steps.length - 1];
  for (const step of chain.steps) {
    const { layer, output } = step;
    if (mask != null) kwargs.mask = mask;
    const inputs = [value];
    // a recurrent layer gets, as fields of its kernel's inputs, the ids its x is the one-hot of
    // and, when last, the head its outputs feed
    const seam: RecurrenceSeam | null =
      layer instanceof RecurrentLayer
        ? {
            ...(ids !== null ? { ids } : {}),
            ...(step === last && offer !== null ? { head: offer } : {}),
          }
        : null;
    const out = layer.apply(inputs, seam === null ? kwargs : { ...kwargs, ...seam }) as
      | tf.Tensor
      | tf.Tensor[];
    ids = oneHotIds(layer, value);
    const outMask: tf.Tensor | tf.Tensor[] | null = layer.supportsMasking
      ? layer.computeMask(inputs, [mask as tf.Tensor])
      : null;
    value = fed(output, Array.isArray(out) ? (out[0] as tf.Tensor) : out);
    mask = (Array.isArray(outMask) ? outMask[0] : outMask) ?? undefined;
  }
  return value;
}

/**
 * The fused loss of `model` under the named loss, or null when the loss has no fused form or the
 * model's output is not a linear `Dense` (the caller then runs the model and the loss as usual).
 */
export function fusedHeadLoss(model: tfl.LayersModel, loss: string): FusedHeadLoss | null {
  if (!(FUSED_LOSSES as readonly string[]).includes(loss)) return null;
  const split = splitHead(model);
  if (split === null) return null;
  const { trunk, dense, chain } = split;
  const sparseCE = loss === 'sparseCategoricalCrossentropy';
  return (x, y, mask, training, unfused) =>
    tf.tidy(() => {
      const offer = sparseCE && mask === undefined ? headOffer(chain, dense, y) : null;
      const h = (
        chain ? runChain(chain, x, training, offer) : trunk.apply(x, { training })
      ) as tf.Tensor; // [..., D]
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
 * The head offered to the chain's last layer (`kernels/fast-head.ts`): when that layer is an
 * rnnkit recurrent layer returning its whole sequence and nothing else, and not stateful, only the
 * head reads its outputs and nothing differentiates its final states, so a fast run computing half
 * of its batch in a worker can compute that half's head there too and run its backward pass right
 * after (only a run split across threads takes it: `takeHead` in `fast.ts`). Null when the
 * last layer is another kind. (A stateful layer keeps its final states for the next batch: chunks
 * trained under one tape would differentiate them.)
 */
function headOffer(chain: Chain | null, dense: DenseFields, y: tf.Tensor): HeadOffer | null {
  const last = chain?.steps[chain.steps.length - 1]?.layer;
  if (!(last instanceof RecurrentLayer) || !last.returnSequences || last.returnState) return null;
  if (last.stateful) return null;
  return { data: headData(dense, y), taken: null }; // its data serves the head if no run takes it
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
            tf.zeros([rows, units]),
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
