/**
 * The gated recurrent unit (Cho et al. 2014), as the tutorial writes it:
 *
 * $$
 * \begin{aligned}
 * z_t &= \sigma(W_{xz} x_t + W_{hz} h_{t-1} + b_z) && \text{update gate} \\
 * r_t &= \sigma(W_{xr} x_t + W_{hr} h_{t-1} + b_r) && \text{reset gate} \\
 * \tilde h_t &= \tanh(W_{xh} x_t + r_t \odot (W_{hh} h_{t-1} + b_{hh}) + b_{xh}) && \text{candidate (resetAfter, default)} \\
 * \tilde h_t &= \tanh(W_{xh} x_t + W_{hh} (r_t \odot h_{t-1}) + b_h) && \text{candidate (resetAfter false)} \\
 * h_t &= z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t
 * \end{aligned}
 * $$
 *
 * Three blocks in Keras order z, r, h (PyTorch r, z, n(=h), always reset-after; ONNX z, r, h with
 * linear_before_reset = 1 for reset-after); one state (h). With resetAfter (Keras 2/3, cuDNN,
 * PyTorch) the bias is [2, 3*units], the input row then the recurrent row. Saved as Keras's and
 * tfjs's `GRU` (stock tfjs builds only resetAfter false). Neighbours: `cell.ts` (the contract),
 * `index.ts` (the table).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { GRUCell } from '@tensorflow/tfjs-layers/dist/layers/recurrent.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ModelsError } from '../errors.js';
import { stockCellClass } from './block-cell.js';
import { type CellDefinition, recurrentProduct } from './cell.js';

/** Keras 2/3's GRU default (tfjs-layers' stock GRU cannot build it). */
export const DEFAULT_RESET_AFTER = true;

type Shape = (number | null)[];

/**
 * tfjs-layers' GRU cell plus `resetAfter: true`, which the stock constructor rejects: the same
 * initialisers, regularisers, constraints and config, with the bias built as Keras's [2, 3*units]
 * (row 0 input bias, row 1 recurrent bias). Its per-step `call()` is never used: the layer runs
 * the whole sequence through `runRecurrence`.
 */
function resetAfterGRUCellClass() {
  const StockGRUCell = stockCellClass<typeof GRUCell>('GRUCell');
  return class ResetAfterGRUCell extends StockGRUCell {
    readonly resetAfter: boolean;
    constructor(args: tfl.GRUCellLayerArgs) {
      super({ ...args, resetAfter: false });
      this.resetAfter = args.resetAfter ?? DEFAULT_RESET_AFTER;
    }
    override build(inputShape: Shape | Shape[]): void {
      if (!this.resetAfter) {
        super.build(inputShape);
        return;
      }
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
      const inputDim = shape[shape.length - 1] as number;
      const u = this.units;
      // a weight as the stock cell adds it: its initializer, regularizer and constraint, trainable
      const weight = (name: string, shape: number[], of: 'kernel' | 'recurrent' | 'bias') =>
        this.addWeight(
          name,
          shape,
          undefined,
          this[`${of}Initializer`],
          this[`${of}Regularizer`],
          true,
          this[`${of}Constraint`],
        );
      this.kernel = weight('kernel', [inputDim, 3 * u], 'kernel');
      this.recurrentKernel = weight('recurrent_kernel', [u, 3 * u], 'recurrent');
      // tfjs's typings say LayerVariable, but the stock cells keep null here when useBias is false
      this.bias = (this.useBias ? weight('bias', [2, 3 * u], 'bias') : null) as tfl.LayerVariable;
      this.built = true;
    }
    /** The stock per-step call computes the reset-before GRU: refuse rather than be wrong. */
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
      if (!this.resetAfter) return super.call(inputs, kwargs);
      throw new ModelsError(
        'UNSUPPORTED',
        `GRU cell '${this.name}' with resetAfter: true has no per-step call: run the GRU layer over the sequence (runRecurrence)`,
      );
    }
    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), resetAfter: this.resetAfter };
    }
  };
}

/** Made on first use: tfjs-layers registers GRUCell when it loads, before any layer is built. */
let ResetAfterGRUCell: ReturnType<typeof resetAfterGRUCellClass> | null = null;

export const gru: CellDefinition<'gru'> = {
  name: 'gru',
  className: 'GRU',
  layout: {
    gates: 3,
    states: ['h'],
    keras: ['z', 'r', 'h'],
    torch: ['r', 'z', 'h'],
    torchModule: 'GRU',
    torchBias: 'rows',
    onnx: { op: 'GRU', gates: ['z', 'r', 'h'] },
  },
  gated: true,
  resetAfter: true,
  stockCell: (args) => {
    ResetAfterGRUCell ??= resetAfterGRUCellClass();
    return new ResetAfterGRUCell(args as unknown as tfl.GRUCellLayerArgs);
  },
  stepArrays({ units: u, n, z, hz, h, act, rec, recurrentBias: rb, rhProduct }) {
    const ku = 3 * u;
    if (rb === null) {
      // resetAfter false: hh = act(x K_h + b_h + (r * h) R_h)
      const hzr = hz; // [n, 2u]
      const rh = new Float32Array(n * u);
      for (let b = 0; b < n; b++) {
        for (let j = 0; j < u; j++)
          rh[b * u + j] = rec(z[b * ku + u + j]! + hzr[b * 2 * u + u + j]!) * h[b * u + j]!;
      }
      const hh = (rhProduct as (rh: Float32Array) => Float32Array)(rh); // [n, u]
      for (let b = 0; b < n; b++) {
        for (let j = 0; j < u; j++) {
          const zg = rec(z[b * ku + j]! + hzr[b * 2 * u + j]!);
          const i = b * u + j;
          h[i] = zg * h[i]! + (1 - zg) * act(z[b * ku + 2 * u + j]! + hh[i]!);
        }
      }
      return;
    }
    for (let b = 0; b < n; b++) {
      const zb = b * ku;
      for (let j = 0; j < u; j++) {
        const i = b * u + j;
        // resetAfter: hh = act(x K_h + b_h + r * (h R_h + rb_h)), rb the recurrent bias row
        const zg = rec(z[zb + j]! + hz[zb + j]! + rb[j]!);
        const r = rec(z[zb + u + j]! + hz[zb + u + j]! + rb[u + j]!);
        const hh = act(z[zb + 2 * u + j]! + r * (hz[zb + 2 * u + j]! + rb[2 * u + j]!));
        h[i] = zg * h[i]! + (1 - zg) * hh;
      }
    }
  },
  stepTensors(s) {
    const { units, xz, h, c, recurrentKernel: R, recurrentBias, resetAfter, act, rec } = s;
    const masks = s.recurrentMasks;
    const [xz_, xr, xh] = tf.split(xz, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    if (resetAfter) {
      // Keras 2/3 and cuDNN: the reset gate scales the recurrent projection, bias included.
      let inner: tf.Tensor = recurrentProduct(h, R, masks); // [batch, 3 units], gates z r h
      if (recurrentBias != null) inner = tf.add(inner, recurrentBias);
      const [rz, rr, rh] = tf.split(inner, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const zg = rec(tf.add(xz_, rz));
      const r = rec(tf.add(xr, rr));
      const hh = act(tf.add(xh, tf.mul(r, rh)));
      return [tf.add(tf.mul(zg, h), tf.mul(tf.sub(1, zg), hh)) as tf.Tensor2D, c];
    }
    // Keras 1 / tfjs-layers: the reset gate scales h_{t-1} before the recurrent matMul.
    const [Rzr, Rh] = tf.split(R, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
    const [rz, rr] = tf.split(recurrentProduct(h, Rzr, masks?.slice(0, 2)), 2, 1) as [
      tf.Tensor,
      tf.Tensor,
    ];
    const zg = rec(tf.add(xz_, rz));
    const r = rec(tf.add(xr, rr));
    const hForH = masks === undefined ? h : tf.mul(h, masks[2] as tf.Tensor2D);
    const hh = act(tf.add(xh, tf.matMul(tf.mul(r, hForH) as tf.Tensor2D, Rh)));
    return [tf.add(tf.mul(zg, h), tf.mul(tf.sub(1, zg), hh)) as tf.Tensor2D, c];
  },
};
