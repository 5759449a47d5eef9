/**
 * Recurrent cells and the layers that run them over time, with Keras 2/3 defaults.
 *
 * - `rnn`:  h_t = tanh(x_t W_x + h_{t-1} W_h + b)                       (the tutorial's cell)
 * - `lstm`: [i, f, g, o] = x_t W_x + h_{t-1} W_h + b; c_t = s(f) c_{t-1} + s(i) tanh(g);
 *           h_t = s(o) tanh(c_t)                                         (Hochreiter & Schmidhuber 1997)
 * - `gru`:  z, r gates and a candidate, h_t = z h_{t-1} + (1 - z) h~      (Cho et al. 2014)
 *
 * Shapes: x_t [batch, features], h_t [batch, units]; weights in the standard tfjs/Keras layout
 * (kernel [features, k*units], recurrent_kernel [units, k*units], bias [k*units], gates in the
 * order i, f, c, o for LSTM and z, r, h for GRU), so saved models load in plain tfjs and Keras.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { checkInt } from './errors.js';

export type CellType = 'rnn' | 'lstm' | 'gru';

/** The cell types, for messages and CLI choices. */
export const CELL_TYPES: readonly CellType[] = ['rnn', 'lstm', 'gru'];

/** Keras's default gate activation; tfjs-layers defaults to `hardSigmoid`, which trains worse. */
export const DEFAULT_RECURRENT_ACTIVATION = 'sigmoid';

export interface RecurrentLayerArgs {
  cell: CellType;
  /** Hidden size D_h. */
  units: number;
  /** Emit h_t for every step ([batch, time, units]) rather than the last one ([batch, units]). */
  returnSequences: boolean;
  /** [time, features] of the input when this is the first layer; time may be null (any length). */
  inputShape?: [number | null, number];
  /** Layer name, unique within the model. */
  name: string;
}

/** Builds one recurrent layer of the given cell type. */
export function recurrentLayer(args: RecurrentLayerArgs): tfl.layers.Layer {
  checkInt('units', args.units, 1, 'give the hidden size as a positive integer, e.g. units: 64');
  const common = {
    units: args.units,
    returnSequences: args.returnSequences,
    name: args.name,
    // initializeWeights() sets the real values from the model seed; zeros here skip tfjs's
    // orthogonal initialiser, which is slow and needs chained ops that tfjs-core alone lacks.
    kernelInitializer: 'zeros' as const,
    recurrentInitializer: 'zeros' as const,
    ...(args.inputShape ? { inputShape: args.inputShape } : {}),
  };
  switch (args.cell) {
    case 'rnn':
      return tfl.layers.simpleRNN({ ...common, activation: 'tanh' });
    case 'lstm':
      return tfl.layers.lstm({ ...common, recurrentActivation: DEFAULT_RECURRENT_ACTIVATION });
    case 'gru':
      return tfl.layers.gru({ ...common, recurrentActivation: DEFAULT_RECURRENT_ACTIVATION });
  }
}
