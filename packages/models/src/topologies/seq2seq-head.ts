/**
 * The output layers of `seq2seq` (the attentional layer and the logits) as a `Dense` whose
 * gradient has no transposed matMul operand: tfjs's Dense multiplies by transposed operands in its
 * backward pass, which leaves XNNPACK's fast path on wasm (13-34x slower: the docs' performance
 * guide, apps/docs/guide/performance.md); over all
 * target steps of a batch ([batch * tgtTime, 2D] x [2D, D]) that was the largest cost of a
 * seq2seq training step (about 40% of it, measured with `tf.profile` on wasm).
 *
 * Saved exactly as the stock layer (class name `Dense`, the same config and weights), so the
 * model file loads in plain tfjs and Keras; rnnkit rebuilds a seq2seq model from its builder.
 *
 * Neighbours in `topologies/`: the four builders (`many-to-one.ts`, `many-to-many.ts`,
 * `one-to-many.ts`, `seq2seq.ts`) over one stack of recurrent layers (`stack.ts`).
 *
 * @example
 * ```ts
 * const dense = seq2seqDense({ units: 2, name: 'logits' });
 * const y = dense.apply(tf.ones([1, 3, 4])) as tf.Tensor; // [batch 1, time 3, 2]
 * dense.getClassName(); // 'Dense'
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { DenseLayerArgs } from '@tensorflow/tfjs-layers/dist/layers/core.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { FAST } from '../fast-seam.js';

/** The fields of tfjs's Dense that `call` reads (private in tfjs's typings, public at run time). */
interface DenseFields {
  units: number;
  kernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
}

const entry = tf.serialization.SerializationMap.getMap().classNameMap.Dense;
if (entry == null) throw new Error('tfjs-layers did not register Dense');
const StockDense = entry[0] as unknown as new (args: DenseLayerArgs) => tfl.layers.Layer;

/** tfjs's Dense with a transpose-free gradient (`FAST.matMul`). */
export class Seq2SeqDense extends StockDense {
  static className = 'Dense';

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const f = this as unknown as DenseFields;
      const shape = x.shape;
      const flat = tf.reshape(x, [-1, shape[shape.length - 1]!]) as tf.Tensor2D; // [rows, in]
      let y: tf.Tensor = FAST.matMul(flat, f.kernel.read() as tf.Tensor2D); // [rows, units]
      if (f.bias) y = tf.add(y, f.bias.read());
      if (f.activation) y = f.activation.apply(y);
      return tf.reshape(y, [...shape.slice(0, -1), f.units]);
    });
  }
}

/** A `Seq2SeqDense` (the options of `tfl.layers.dense`). */
export function seq2seqDense(args: DenseLayerArgs): tfl.layers.Layer {
  return new Seq2SeqDense(args);
}
