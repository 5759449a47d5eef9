/**
 * Recurrent cells and the layers that run them over time, with Keras 2/3 defaults.
 *
 * - `rnn`:  h_t = tanh(x_t W_x + h_{t-1} W_h + b)                       (the tutorial's cell)
 * - `lstm`: [i, f, g, o] = x_t W_x + h_{t-1} W_h + b; c_t = s(f) c_{t-1} + s(i) tanh(g);
 *           h_t = s(o) tanh(c_t)                                         (Hochreiter & Schmidhuber 1997)
 * - `gru`:  z, r gates and a candidate, h_t = z h_{t-1} + (1 - z) h~      (Cho et al. 2014); by
 *           default with the reset gate after the recurrent matMul (`resetAfter`, Keras 2/3, cuDNN,
 *           PyTorch)
 *
 * Shapes: x_t [batch, features], h_t [batch, units]; weights in the standard tfjs/Keras layout
 * (kernel [features, k*units], recurrent_kernel [units, k*units], bias [k*units], gates in the
 * order i, f, c, o for LSTM and z, r, h for GRU; GRU resetAfter bias [2, 3*units]), so saved
 * models load in plain tfjs and Keras. The layers are rnnkit's own (`layers/recurrent.ts`), which
 * run the time loop through the selected recurrence kernel.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { recurrentLayer } from '@rnnkit/models';
 * const lstm = recurrentLayer({ cell: 'lstm', units: 8, returnSequences: false,
 *   returnState: true, name: 'encoder' });
 * const [out, h, c] = lstm.apply(tf.zeros([2, 5, 3])) as tf.Tensor[];
 * [out.shape, h.shape, c.shape]; // [[2, 8], [2, 8], [2, 8]]
 * lstm.getClassName();           // 'LSTM' (saved under the stock class name)
 * ```
 */
import { checkInt, ModelsError } from './errors.js';
import { GRU, LSTM, type RecurrentLayer, SimpleRNN } from './layers/recurrent.js';

export type CellType = 'rnn' | 'lstm' | 'gru';

/** The cell types, for messages and CLI choices. */
export const CELL_TYPES: readonly CellType[] = ['rnn', 'lstm', 'gru'];

/** Keras's default gate activation; tfjs-layers defaults to `hardSigmoid`, which trains worse. */
export const DEFAULT_RECURRENT_ACTIVATION = 'sigmoid';

/** Keras 2/3's GRU default (tfjs-layers' stock GRU cannot build it). */
export const DEFAULT_RESET_AFTER = true;

export interface RecurrentLayerArgs {
  cell: CellType;
  /** Hidden size D_h. */
  units: number;
  /** Emit h_t for every step ([batch, time, units]) rather than the last one ([batch, units]). */
  returnSequences: boolean;
  /** Also return the final states: [output, h] (rnn, gru) or [output, h, c] (lstm). Default false. */
  returnState?: boolean;
  /**
   * Read the sequence from its last step to its first. The per-step outputs come in that
   * (processing) order, as in Keras and tfjs. Default false.
   */
  goBackwards?: boolean;
  /** GRU only: apply the reset gate after the recurrent matMul (Keras 2/3). Default true. */
  resetAfter?: boolean;
  /** Output activation. Default 'tanh'. */
  activation?: 'tanh' | 'relu' | 'linear';
  /** Gate activation (lstm, gru). Default 'sigmoid' (Keras), not tfjs's 'hardSigmoid'. */
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
  /** Add the bias b. Default true. */
  useBias?: boolean;
  /**
   * With returnSequences and a mask, output 0 at masked steps instead of repeating the previous
   * output (Keras's `zero_output_for_mask`, which Keras's Bidirectional forces on). Default false.
   */
  zeroOutputForMask?: boolean;
  /** [time, features] of the input when this is the first layer; time may be null (any length). */
  inputShape?: [number | null, number];
  /** Layer name, unique within the model. */
  name: string;
}

/**
 * Builds one recurrent layer of the given cell type. Pass initial states with
 * `layer.apply(x, { initialState: [h] })` ([h, c] for lstm), as tensors or as symbolic tensors.
 */
export function recurrentLayer(args: RecurrentLayerArgs): RecurrentLayer {
  checkInt('units', args.units, 1, 'give the hidden size as a positive integer, e.g. units: 64');
  const common = {
    units: args.units,
    returnSequences: args.returnSequences,
    returnState: args.returnState ?? false,
    goBackwards: args.goBackwards ?? false,
    activation: args.activation ?? 'tanh',
    useBias: args.useBias ?? true,
    name: args.name,
    // initializeWeights() sets the real values from the model seed; zeros here skip tfjs's
    // orthogonal initialiser, which is slow and needs chained ops that tfjs-core alone lacks.
    kernelInitializer: 'zeros' as const,
    recurrentInitializer: 'zeros' as const,
    ...(args.inputShape ? { inputShape: args.inputShape } : {}),
    ...(args.zeroOutputForMask ? { zeroOutputForMask: true } : {}),
  };
  const recurrentActivation = args.recurrentActivation ?? DEFAULT_RECURRENT_ACTIVATION;
  switch (args.cell) {
    case 'rnn':
      return new SimpleRNN(common);
    case 'lstm':
      return new LSTM({ ...common, recurrentActivation });
    case 'gru':
      return new GRU({
        ...common,
        recurrentActivation,
        resetAfter: args.resetAfter ?? DEFAULT_RESET_AFTER,
      });
  }
  throw new ModelsError(
    'BAD_OPTION',
    `cell must be one of ${CELL_TYPES.join(', ')}, got ${JSON.stringify(args.cell)}: e.g. cell: 'lstm'`,
  );
}
