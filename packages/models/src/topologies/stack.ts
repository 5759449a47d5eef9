/**
 * Stacked, optionally bidirectional, recurrent layers with dropout between them: the part every
 * topology shares. Layer l (1-based) is named `${name}_${l}`, its backward half
 * `${name}_${l}_backward`.
 *
 * A bidirectional layer is a forward layer and a `goBackwards` layer over the same input, their
 * outputs concatenated on the last axis ([batch, time, 2 * units]); the backward layer emits its
 * sequence in reading order (last step first), so it is flipped back by `ReverseTime` to line up
 * with the forward one, as Keras's `Bidirectional` does. Built from two plain layers rather than
 * tfjs's `Bidirectional` wrapper because that wrapper re-creates the inner layer from tfjs's global
 * class registry, which would swap rnnkit's recurrent layer for the stock one.
 *
 * Dropout goes on the outputs of every recurrent layer but the last (as PyTorch's `nn.LSTM`
 * `dropout`), so with `layers: 1` it does nothing; it is active only in training.
 *
 * Neighbours in `topologies/`: the four builders (`many-to-one.ts`, `many-to-many.ts`,
 * `one-to-many.ts`, `seq2seq.ts`) over one stack of recurrent layers (`stack.ts`).
 *
 * @example
 * ```ts
 * const x = tfl.input({ shape: [null, 3] });
 * const { output, states } = recurrentStack(x, { cell: 'lstm', units: 4, layers: 2,
 *   bidirectional: true, dropout: 0.1, returnSequences: false, returnState: true, name: 'rnn' });
 * output.shape; // [null, 8]
 * states.map((s) => s.map((t) => t.shape)); // [[[null, 8], [null, 8]], [[null, 8], [null, 8]]]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { DEFAULT_RESET_AFTER } from '../cells/gru.js';
import { CELL_TYPES, type CellType, cellOf } from '../cells/index.js';
import { checkInt, checkRate, ModelsError } from '../errors.js';
import { initializeWeights } from '../layers/init-weights.js';
import { type InputSpec, inputName, sequenceInput } from '../layers/inputs.js';
import { MaskingLayer } from '../layers/masking-layer.js';
import { recurrentLayer } from '../layers/recurrent-layer.js';
import { subSeed } from '../random.js';

/** Default recurrent cell of every builder. */
export const DEFAULT_CELL: CellType = 'lstm';
/** Default number of stacked recurrent layers. */
export const DEFAULT_LAYERS = 1;
/** Default dropout rate between stacked layers (none). */
export const DEFAULT_DROPOUT = 0;
/** Default seed of the weight initialisation. */
export const DEFAULT_SEED = 0;

/** Options every topology builder takes. */
export interface CommonArgs {
  /** Recurrent cell: `'rnn'` ($h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$), `'lstm'` or `'gru'`. Default `'lstm'`. */
  cell?: CellType;
  /** Hidden size of each recurrent layer (per direction when bidirectional). */
  units: number;
  /** Stacked recurrent layers; layer l + 1 reads the outputs of layer l. Default 1. */
  layers?: number;
  /** Dropout rate in [0, 1) on the outputs of every recurrent layer but the last, in training. Default 0. */
  dropout?: number;
  /**
   * Fraction of each recurrent layer's input x_t dropped in training (Keras's per-layer
   * `dropout`: one mask per sequence), in [0, 1). Default 0.
   */
  inputDropout?: number;
  /**
   * Fraction of h_{t-1} dropped in each recurrent layer's recurrent products in training (Keras's
   * `recurrent_dropout`: one mask per sequence and gate), in [0, 1). Default 0.
   */
  recurrentDropout?: number;
  /** Seed of the weight initialisation: the same seed gives the same weights on every backend. Default 0. */
  seed?: number;
  /**
   * GRU only: apply the reset gate after the recurrent matMul (Keras 2/3, cuDNN, PyTorch; bias
   * [2, 3*units]). False is Keras 1's and stock tfjs-layers' GRU (bias [3*units]). Default true.
   */
  resetAfter?: boolean;
}

/** The checked common options with defaults filled in. */
export interface CommonOptions {
  cell: CellType;
  units: number;
  layers: number;
  dropout: number;
  seed: number;
  resetAfter: boolean;
  inputDropout: number;
  recurrentDropout: number;
}

/** Checks the common options; throws `BAD_OPTION` with the valid choices. */
export function commonOptions(args: CommonArgs): CommonOptions {
  const cell = args.cell ?? DEFAULT_CELL;
  checkCell(cell);
  checkInt('units', args.units, 1, 'give the hidden size as a positive integer, e.g. units: 64');
  const layers = args.layers ?? DEFAULT_LAYERS;
  checkInt('layers', layers, 1, 'stack at least one recurrent layer, e.g. layers: 1');
  const dropout = args.dropout ?? DEFAULT_DROPOUT;
  if (!(Number.isFinite(dropout) && dropout >= 0 && dropout < 1)) {
    throw new ModelsError(
      'BAD_OPTION',
      `dropout must be in [0, 1), got ${dropout}: it is the fraction of outputs dropped, e.g. dropout: 0.2`,
    );
  }
  const seed = args.seed ?? DEFAULT_SEED;
  checkInt('seed', seed, 0, 'give a non-negative integer seed, e.g. seed: 0');
  const resetAfter = args.resetAfter ?? DEFAULT_RESET_AFTER;
  if (typeof resetAfter !== 'boolean') {
    throw new ModelsError(
      'BAD_OPTION',
      `resetAfter must be true or false, got ${JSON.stringify(resetAfter)}: e.g. resetAfter: false for stock tfjs's GRU`,
    );
  }
  const inputDropout = args.inputDropout ?? 0;
  checkRate('inputDropout', inputDropout, 'the fraction of x_t dropped in training, e.g. 0.2');
  const recurrentDropout = args.recurrentDropout ?? 0;
  checkRate('recurrentDropout', recurrentDropout, 'the fraction of h_{t-1} dropped, e.g. 0.2');
  return {
    cell,
    units: args.units,
    layers,
    dropout,
    seed,
    resetAfter,
    inputDropout,
    recurrentDropout,
  };
}

/** Throws `BAD_OPTION` unless `cell` is one of `CELL_TYPES`. */
export function checkCell(cell: unknown): asserts cell is CellType {
  if (!CELL_TYPES.includes(cell as CellType)) {
    throw new ModelsError(
      'BAD_OPTION',
      `cell must be one of ${CELL_TYPES.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(cell)}: e.g. cell: 'lstm'`,
    );
  }
}

/** Number of state tensors a cell carries: [h, c] for lstm, [h] otherwise. */
export function stateCount(cell: CellType): number {
  return cellOf(cell).layout.states.length;
}

/**
 * Reverses the time axis: [batch, time, ...] -> the same with step t moved to time - 1 - t. The
 * mask (in input order) passes through unchanged, because the reversed backward outputs are back in
 * input order.
 */
export class ReverseTime extends MaskingLayer {
  static className = 'rnnkit>ReverseTime';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.reverse(Array.isArray(inputs) ? inputs[0]! : inputs, 1));
  }

  override computeMask(
    _inputs: tf.Tensor | tf.Tensor[],
    mask?: tf.Tensor | tf.Tensor[],
  ): tf.Tensor | tf.Tensor[] {
    // base-class typing says non-null; at run time tfjs passes and accepts null for "no mask"
    return (Array.isArray(mask) ? mask[0] : mask) as tf.Tensor;
  }
}

/**
 * Frees the weights of every layer of `models`, including layers they share. tfjs counts one
 * reference per symbolic call of a layer and `LayersModel.dispose()` drops one per layer, so a
 * layer used by both a training model and its step model outlives `model.dispose()`, while
 * disposing the step model too throws on the layers only the first one used.
 */
export function disposeModels(models: tfl.LayersModel[]): void {
  for (const layer of new Set(models.flatMap((m) => m.layers))) {
    if (layer.weights.length === 0) continue;
    for (let i = 0; i < 64; i++) {
      let after: number | null;
      try {
        after = layer.dispose().refCountAfterDispose;
      } catch {
        break; // already freed
      }
      if (!after) break;
    }
  }
}

export interface StackArgs {
  cell: CellType;
  units: number;
  layers: number;
  bidirectional: boolean;
  dropout: number;
  /** Emit every step of the top layer ([batch, time, D]) or only its last ([batch, D]). */
  returnSequences: boolean;
  /** Also return each layer's final state. */
  returnState: boolean;
  /** Initial state per layer ([h] or [h, c], each [batch, units]); unidirectional only. */
  initialState?: tfl.SymbolicTensor[][];
  /** Layer name prefix. */
  name: string;
  /** GRU only (see {@link CommonArgs.resetAfter}). Default true. */
  resetAfter?: boolean;
  /** See {@link CommonArgs.inputDropout}. Default 0. */
  inputDropout?: number;
  /** See {@link CommonArgs.recurrentDropout}. Default 0. */
  recurrentDropout?: number;
  /** Seed of the layers' dropout masks (each layer derives its own). Default 0. */
  seed?: number;
}

export interface Stack {
  /** Top layer's output: [batch, time, D] or [batch, D]; D = units * (bidirectional ? 2 : 1). */
  output: tfl.SymbolicTensor;
  /** Final state of each layer when `returnState`: [h] or [h, c], each [batch, D]. */
  states: tfl.SymbolicTensor[][];
  /** The recurrent layers: per stacked layer, [forward] or [forward, backward]. */
  layers: tfl.layers.Layer[][];
}

/** The arguments of a model over one input sequence (`manyToOne`, `manyToMany`). */
export interface SequenceModelArgs extends CommonArgs {
  input: InputSpec;
  bidirectional?: boolean;
  seqLength?: number | null;
}

/**
 * A model over one input sequence, as `manyToOne` and `manyToMany` build it: the input (named
 * after its type, with its mask input for a masked features input), the recurrent stack `rnn`
 * over it, and `build(outputs, name)`, the model from the input(s) to the head's `outputs` with
 * its weights initialized from the seed.
 */
export function sequenceModel(
  args: SequenceModelArgs,
  o: CommonOptions,
  returnSequences: boolean,
): {
  layer: tfl.layers.Layer | null;
  stack: Stack;
  build: (outputs: tfl.SymbolicTensor, name: string) => tfl.LayersModel;
} {
  const { input, maskInput, x, layer } = sequenceInput(
    args.input,
    args.seqLength ?? null,
    inputName(args.input),
  );
  const stack = recurrentStack(x, {
    ...o,
    bidirectional: args.bidirectional ?? false,
    returnSequences,
    returnState: false,
    name: 'rnn',
  });
  const build = (outputs: tfl.SymbolicTensor, name: string) => {
    const model = tfl.model({
      inputs: maskInput === null ? input : [input, maskInput],
      outputs,
      name,
    });
    initializeWeights(model, o.seed);
    return model;
  };
  return { layer, stack, build };
}

/** Applies the recurrent stack to x [batch, time, inputWidth]. */
export function recurrentStack(x: tfl.SymbolicTensor, a: StackArgs): Stack {
  if (a.bidirectional && a.initialState) {
    throw new ModelsError(
      'BAD_OPTION',
      'a bidirectional stack cannot take an initial state: the backward half starts at the end',
    );
  }
  const states: tfl.SymbolicTensor[][] = [];
  const layers: tfl.layers.Layer[][] = [];
  let y = x;
  for (let l = 1; l <= a.layers; l++) {
    const name = `${a.name}_${l}`;
    const returnSequences = l < a.layers || a.returnSequences;
    const run = (
      goBackwards: boolean,
    ): [tfl.layers.Layer, tfl.SymbolicTensor, tfl.SymbolicTensor[]] => {
      const layer = recurrentLayer({
        cell: a.cell,
        units: a.units,
        returnSequences,
        returnState: a.returnState,
        goBackwards,
        name: goBackwards ? `${name}_backward` : name,
        ...(a.resetAfter === undefined ? {} : { resetAfter: a.resetAfter }),
        // padded steps of a bidirectional sequence are 0, as in Keras's Bidirectional
        ...(a.bidirectional && returnSequences ? { zeroOutputForMask: true } : {}),
        ...(a.inputDropout ? { dropout: a.inputDropout } : {}),
        ...(a.recurrentDropout ? { recurrentDropout: a.recurrentDropout } : {}),
        ...(a.inputDropout || a.recurrentDropout
          ? { seed: subSeed(a.seed ?? 0, 2 * l + (goBackwards ? 1 : 0)) }
          : {}),
      });
      const init = a.initialState?.[l - 1];
      const out = layer.apply(y, init ? { initialState: init } : undefined);
      const [seq, ...s] = Array.isArray(out) ? out : [out];
      return [layer, seq as tfl.SymbolicTensor, s as tfl.SymbolicTensor[]];
    };
    const [fwd, yF, sF] = run(false);
    if (a.bidirectional) {
      const [bwd, yB, sB] = run(true);
      const yBack = returnSequences
        ? (new ReverseTime({ name: `${name}_reverse` }).apply(yB) as tfl.SymbolicTensor)
        : yB;
      y = tfl.layers
        .concatenate({ name: `${name}_concat` })
        .apply([yF, yBack]) as tfl.SymbolicTensor;
      states.push(
        sF.map(
          (s, i) =>
            tfl.layers
              .concatenate({ name: `${name}_${i === 0 ? 'h' : 'c'}` })
              .apply([s, sB[i]!]) as tfl.SymbolicTensor,
        ),
      );
      layers.push([fwd, bwd]);
    } else {
      y = yF;
      states.push(sF);
      layers.push([fwd]);
    }
    if (l < a.layers && a.dropout > 0) {
      y = tfl.layers
        .dropout({ rate: a.dropout, name: `${name}_dropout` })
        .apply(y) as tfl.SymbolicTensor;
    }
  }
  return { output: y, states: a.returnState ? states : [], layers };
}
