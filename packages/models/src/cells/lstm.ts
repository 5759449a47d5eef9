/**
 * Long short-term memory (Hochreiter & Schmidhuber 1997), as the tutorial writes it:
 *
 * $$
 * \begin{aligned}
 * i_t &= \sigma(W_{xi} x_t + W_{hi} h_{t-1} + b_i) && \text{input gate} \\
 * f_t &= \sigma(W_{xf} x_t + W_{hf} h_{t-1} + b_f) && \text{forget gate} \\
 * g_t &= \tanh(W_{xc} x_t + W_{hc} h_{t-1} + b_c) && \text{candidate} \\
 * o_t &= \sigma(W_{xo} x_t + W_{ho} h_{t-1} + b_o) && \text{output gate} \\
 * c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
 * h_t &= o_t \odot \tanh(c_t)
 * \end{aligned}
 * $$
 *
 * ($\sigma$, the sigmoid, is the gate activation `rec`; tanh the activation `act`; $\odot$ multiplies elementwise). Four blocks in Keras order
 * i, f, c, o (PyTorch i, f, g, o: the same; ONNX i, o, f, c); two states [h, c]. Saved as
 * Keras's and tfjs's `LSTM`. Neighbours: `cell.ts` (the contract), `index.ts` (the table).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LSTMCell } from '@tensorflow/tfjs-layers/dist/layers/recurrent.js';
import { stockCellClass } from './block-cell.js';
import { type CellDefinition, recurrentProduct } from './cell.js';

export const lstm: CellDefinition<'lstm'> = {
  name: 'lstm',
  className: 'LSTM',
  layout: {
    gates: 4,
    states: ['h', 'c'],
    keras: ['i', 'f', 'c', 'o'],
    torch: ['i', 'f', 'c', 'o'],
    torchModule: 'LSTM',
    torchBias: 'sum',
    onnx: { op: 'LSTM', gates: ['i', 'o', 'f', 'c'] },
  },
  gated: true,
  resetAfter: false,
  stockCell: (args) => {
    const Cell = stockCellClass<typeof LSTMCell>('LSTMCell');
    return new Cell(args as unknown as tfl.LSTMCellLayerArgs);
  },
  stepArrays({ units: u, n, z, hz, h, c, act, rec }) {
    const ku = 4 * u;
    for (let b = 0; b < n; b++) {
      const zb = b * ku;
      for (let j = 0; j < u; j++) {
        const i = b * u + j;
        // gates [i, f, c, o]
        const ig = rec(z[zb + j]! + hz[zb + j]!);
        const fg = rec(z[zb + u + j]! + hz[zb + u + j]!);
        const cj = fg * c[i]! + ig * act(z[zb + 2 * u + j]! + hz[zb + 2 * u + j]!);
        c[i] = cj;
        h[i] = rec(z[zb + 3 * u + j]! + hz[zb + 3 * u + j]!) * act(cj);
      }
    }
  },
  stepTensors({ xz, h, c, recurrentKernel, recurrentMasks, act, rec }) {
    // [batch, 4 units], gates i f c o
    const z = tf.add(xz, recurrentProduct(h, recurrentKernel, recurrentMasks));
    const [zi, zf, zc, zo] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const cNext = tf.add(tf.mul(rec(zf), c), tf.mul(rec(zi), act(zc))) as tf.Tensor2D;
    return [tf.mul(rec(zo), act(cNext)) as tf.Tensor2D, cNext];
  },
};
