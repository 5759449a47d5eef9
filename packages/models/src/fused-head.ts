/**
 * The training loss of a model whose output layer is a linear `Dense` (the logits of `manyToMany`,
 * the `classes` / `regression` heads of `manyToOne`), computed with the head and the loss as one
 * op: `denseSoftmaxCrossEntropy` for sparse cross-entropy on logits, `denseMeanSquaredError` for
 * MSE. The model runs up to the head's input; the head's product, the softmax or error and their
 * gradients are one JS pass with transpose-free products, instead of tfjs's Dense (whose gradient
 * multiplies transposed operands, 13-34x slower on wasm: PERF-NOTES.md) followed by about fifteen
 * small loss kernels. Same values and gradients as `model.apply` + the named loss (tested within
 * 1e-5 and 1e-4); `@rnnkit/training`'s trainer uses it whenever its loss is one of
 * {@link FUSED_LOSSES}.
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
import { oneHotLookup } from './inputs.js';
import { denseMeanSquaredError, denseSoftmaxCrossEntropy } from './kernels/fast-dense.js';

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
  return { trunk: tfl.model({ inputs, outputs: input }), dense };
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
      const h = trunk.apply(x, { training }) as tf.Tensor; // [..., D]
      const units = h.shape[h.rank - 1] as number;
      const rows = h.size / units;
      const h2 = tf.reshape(h, [rows, units]) as tf.Tensor2D;
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
        return denseMeanSquaredError(h2, w, b, tf.reshape(tf.cast(y, 'float32'), [rows, outputs]));
      }
      // labels as one-hot rows; padded rows all zero, so they add nothing to loss or gradient
      let labels = tf.cast(
        tf.oneHot(tf.cast(tf.reshape(y, [rows]), 'int32'), outputs),
        'float32',
      ) as tf.Tensor2D;
      if (mask === undefined) return denseSoftmaxCrossEntropy(h2, w, b, labels);
      const m = tf.cast(tf.reshape(mask, [rows, 1]), 'float32');
      labels = tf.mul(labels, m);
      // the op averages over all rows; the masked mean is over real rows (at least 1)
      const scale = tf.div(rows, tf.maximum(tf.sum(m), 1));
      return tf.mul(denseSoftmaxCrossEntropy(h2, w, b, labels), scale) as tf.Scalar;
    });
}
