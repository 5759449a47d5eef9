/**
 * The simple recurrent cell, the tutorial's:
 *
 * $$h_t = \tanh(W_x x_t + W_h h_{t-1} + b)$$
 *
 * stored as kernel $K = W_x^\top$ [features, units], recurrent kernel $R = W_h^\top$ [units, units], so
 * a row-major step is $h_t = \mathrm{act}(x_t K + h_{t-1} R + b)$. One block, one state (h). Saved as Keras's
 * and tfjs's `SimpleRNN`; PyTorch `nn.RNN`, ONNX `RNN`. Neighbours: `cell.ts` (the contract),
 * `index.ts` (the table of cells), `lstm.ts` and `gru.ts`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SimpleRNNCell } from '@tensorflow/tfjs-layers/dist/layers/recurrent.js';
import { stockCellClass } from './block-cell.js';
import { type CellDefinition, recurrentProduct } from './cell.js';

export const rnn: CellDefinition<'rnn'> = {
  name: 'rnn',
  className: 'SimpleRNN',
  layout: {
    gates: 1,
    states: ['h'],
    keras: ['h'],
    torch: ['h'],
    torchModule: 'RNN',
    torchBias: 'sum',
    onnx: { op: 'RNN', gates: ['h'] },
  },
  gated: false,
  resetAfter: false,
  stockCell: (args) => {
    const Cell = stockCellClass<typeof SimpleRNNCell>('SimpleRNNCell');
    return new Cell(args as unknown as tfl.SimpleRNNCellLayerArgs);
  },
  stepArrays({ units: u, n, z, hz, h, act }) {
    for (let i = 0; i < n * u; i++) h[i] = act(z[i]! + hz[i]!);
  },
  stepTensors: ({ xz, h, c, recurrentKernel, recurrentMasks, act }) => [
    act(tf.add(xz, recurrentProduct(h, recurrentKernel, recurrentMasks))) as tf.Tensor2D,
    c,
  ],
};
