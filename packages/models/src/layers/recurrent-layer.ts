/**
 * `recurrentLayer`: one recurrent layer of a cell named in `cells/index.ts`, with Keras 2/3
 * defaults (the cells' equations are in `cells/rnn.ts`, `lstm.ts`, `gru.ts`; the layer classes
 * in `recurrent.ts`, which run the time loop through the selected recurrence kernel).
 *
 * Shapes: x [batch, time, features] -> [batch, time, units] or [batch, units]; weights in the
 * standard tfjs/Keras layout, so saved models load in plain tfjs and Keras.
 *
 * Neighbours in `layers/`: `recurrent.ts` (the recurrent layers over the cells of `cells/`),
 * `recurrent-layer.ts` (their factory), `inputs.ts`, `attention.ts`, the initialisers, and
 * `custom-objects.ts` (what `load` needs to rebuild them).
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
import { DEFAULT_RECURRENT_ACTIVATION } from '../cells/activations.js';
import { DEFAULT_RESET_AFTER } from '../cells/gru.js';
import { type CellType, cellOf } from '../cells/index.js';
import { checkInt } from '../errors.js';
import { layerClassOf, type RecurrentLayer } from './recurrent.js';

export type { CellType } from '../cells/index.js';

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
  /** Fraction of x_t dropped in training, in [0, 1) (Keras's `dropout`). Default 0. */
  dropout?: number;
  /** Fraction of h_{t-1} dropped in training, in [0, 1) (Keras's `recurrent_dropout`). Default 0. */
  recurrentDropout?: number;
  /** Seed of the dropout masks. Default 0. */
  seed?: number;
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
    ...(args.dropout !== undefined ? { dropout: args.dropout } : {}),
    ...(args.recurrentDropout !== undefined ? { recurrentDropout: args.recurrentDropout } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    // initializeWeights() sets the real values from the model seed; zeros here skip tfjs's
    // orthogonal initialiser, which is slow and needs chained ops that tfjs-core alone lacks.
    kernelInitializer: 'zeros' as const,
    recurrentInitializer: 'zeros' as const,
    ...(args.inputShape ? { inputShape: args.inputShape } : {}),
    ...(args.zeroOutputForMask ? { zeroOutputForMask: true } : {}),
  };
  const def = cellOf(args.cell);
  const Layer = layerClassOf(def);
  return new Layer({
    ...common,
    ...(def.gated
      ? { recurrentActivation: args.recurrentActivation ?? DEFAULT_RECURRENT_ACTIVATION }
      : {}),
    ...(def.resetAfter ? { resetAfter: args.resetAfter ?? DEFAULT_RESET_AFTER } : {}),
  });
}
