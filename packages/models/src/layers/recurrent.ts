/**
 * rnnkit's recurrent layers: `SimpleRNN`, `LSTM` and `GRU` that run through `runRecurrence` (the
 * selected recurrence kernel) and are saved exactly as stock tfjs-layers saves its own: the same
 * class names, the same config keys, the same weights (`kernel` [in, k*units], `recurrent_kernel`
 * [units, k*units], `bias` [k*units], gates i f c o / z r h). So a `model.json` written by rnnkit
 * loads with plain `tf.loadLayersModel` into stock layers (except `GRU` with `resetAfter: true`,
 * whose bias is Keras's [2, 3*units] and which stock tfjs cannot build), and loads back into these
 * classes with `tfl.models.modelFromJSON(json, customObjects())`.
 *
 * Each class extends tfjs-layers' public `RNN` base and keeps its stock cell for weights and
 * config; only `call()` differs. `apply()` (initial states given as tensors or as symbolic tensors
 * of a functional model), masks, `returnState`, `stateful` and the output shapes are the base's.
 * Defaults follow Keras 2/3 where tfjs differs: `recurrentActivation: 'sigmoid'`, and GRU with
 * `resetAfter: true`. The stock `orthogonal` recurrent initializer is computed in JS (tfjs's
 * needs chained ops that tfjs-core alone lacks, and is very slow on the cpu backend).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { LSTM } from '@rnnkit/models';
 * const lstm = new LSTM({ units: 2, returnState: true });
 * const [out, h, c] = lstm.apply(tf.ones([1, 3, 4]), {
 *   initialState: [tf.zeros([1, 2]), tf.zeros([1, 2])], // [h, c]
 * }) as tf.Tensor[];
 * out.shape; // [1, 2]
 * lstm.getClassName(); // 'LSTM'
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { GRUCell } from '@tensorflow/tfjs-layers/dist/layers/recurrent.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ModelsError } from '../errors.js';
import { orthogonal } from '../initializers.js';
import { runRecurrence } from '../kernels/index.js';
import type { Cell, RecurrenceInputs } from '../kernels/recurrence.js';
import { ensureWasmSegmentSum } from '../kernels/segment-sum.js';

/** Keras's default gate activation; tfjs-layers' is `hardSigmoid`. */
export const KERAS_RECURRENT_ACTIVATION = 'sigmoid';

type Shape = (number | null)[];

/** The fields of tfjs-layers' stock cells that the layers read (public in tfjs's typings). */
interface CellFields {
  units: number;
  kernel: tfl.LayerVariable;
  recurrentKernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
  activation: { getClassName(): string } | null;
  recurrentActivation?: { getClassName(): string };
  dropout: number;
  recurrentDropout: number;
  resetAfter?: boolean;
}

/** An option of all three layers that tfjs-layers lacks. */
interface MaskOutputArgs {
  /**
   * Keras's `zero_output_for_mask`: with returnSequences and a mask, masked steps output 0
   * instead of repeating the previous output (Keras forces it on inside `Bidirectional`).
   * Default false.
   */
  zeroOutputForMask?: boolean;
}

/** Options shared by the three layers: tfjs-layers' own, minus `cell`. */
export type SimpleRNNArgs = Omit<tfl.SimpleRNNLayerArgs, 'cell'> & MaskOutputArgs;
export type LSTMArgs = Omit<tfl.LSTMLayerArgs, 'cell'> & MaskOutputArgs;
export interface GRUArgs extends Omit<tfl.GRULayerArgs, 'cell'>, MaskOutputArgs {
  /**
   * Apply the reset gate after the recurrent matMul, with separate input and recurrent biases
   * (bias [2, 3*units]): Keras 2/3's default and cuDNN's/PyTorch's GRU. False is Keras 1's and
   * stock tfjs's GRU. Default true.
   */
  resetAfter?: boolean;
}

const ACTIVATIONS = ['tanh', 'relu', 'linear'] as const;
const RECURRENT_ACTIVATIONS = ['sigmoid', 'hardSigmoid'] as const;

function pick<T extends string>(
  what: string,
  name: string | undefined,
  allowed: readonly T[],
  layer: string,
): T {
  if (allowed.includes(name as T)) return name as T;
  throw new ModelsError(
    'UNSUPPORTED',
    `${layer}: ${what} '${name}' is not supported by rnnkit's recurrent layers: use one of ${allowed.join(', ')}`,
  );
}

/** A stock tfjs-layers class by its registered name (tfjs-core's serialization registry). */
function stockClass(name: string): unknown {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[name];
  if (entry == null) throw new Error(`tfjs-layers did not register ${name}`);
  return entry[0];
}

const StockGRUCell = stockClass('GRUCell') as typeof GRUCell;

/**
 * tfjs-layers' GRU cell plus `resetAfter: true`, which the stock constructor rejects: the same
 * initialisers, regularisers, constraints and config, with the bias built as Keras's [2, 3*units]
 * (row 0 input bias, row 1 recurrent bias). Its per-step `call()` is never used: the layer runs
 * the whole sequence through `runRecurrence`.
 */
class ResetAfterGRUCell extends StockGRUCell {
  readonly resetAfter: boolean;
  constructor(args: tfl.GRUCellLayerArgs) {
    super({ ...args, resetAfter: false });
    this.resetAfter = args.resetAfter ?? true;
  }
  override build(inputShape: Shape | Shape[]): void {
    if (!this.resetAfter) {
      super.build(inputShape);
      return;
    }
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inputDim = shape[shape.length - 1] as number;
    const u = this.units;
    this.kernel = this.addWeight(
      'kernel',
      [inputDim, 3 * u],
      undefined,
      this.kernelInitializer,
      this.kernelRegularizer,
      true,
      this.kernelConstraint,
    );
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [u, 3 * u],
      undefined,
      this.recurrentInitializer,
      this.recurrentRegularizer,
      true,
      this.recurrentConstraint,
    );
    // tfjs's typings say LayerVariable, but the stock cells keep null here when useBias is false
    this.bias = (
      this.useBias
        ? this.addWeight(
            'bias',
            [2, 3 * u],
            undefined,
            this.biasInitializer,
            this.biasRegularizer,
            true,
            this.biasConstraint,
          )
        : null
    ) as tfl.LayerVariable;
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
}

/** What tfjs's `addWeight` needs of an initializer. */
interface InitializerLike {
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor;
  getClassName(): string;
  getConfig(): tf.serialization.ConfigDict;
}

/**
 * tfjs's `Orthogonal` initializer computed on Float32Arrays (rnnkit's `orthogonal`): the same
 * distribution (rows orthonormal when rows <= cols, times `gain`), without tfjs's QR, which
 * needs the chained tensor methods that tfjs-core alone lacks ("rMat.flatten is not a function")
 * and takes minutes for an LSTM(256) on the cpu backend.
 */
function fastOrthogonal(original: InitializerLike): InitializerLike {
  const { gain, seed } = original.getConfig() as { gain?: number; seed?: number };
  return {
    apply: (shape) => {
      const cols = shape[shape.length - 1] as number;
      const rows = shape.reduce((a, b) => a * b, 1) / cols;
      const s = seed ?? Math.floor(Math.random() * 2 ** 32);
      return tf.tensor(orthogonal(rows, cols, s, gain ?? 1), shape);
    },
    getClassName: () => original.getClassName(),
    getConfig: () => original.getConfig(),
  };
}

/** The base of rnnkit's recurrent layers: tfjs's `RNN` with the time loop of `runRecurrence`. */
export abstract class RecurrentLayer extends tfl.RNN {
  /** See `MaskOutputArgs.zeroOutputForMask`. */
  readonly zeroOutputForMask: boolean;

  constructor(args: tfl.RNNLayerArgs & MaskOutputArgs) {
    super(args);
    this.zeroOutputForMask = args.zeroOutputForMask ?? false;
  }

  /** Builds the weights as stock does, with an `Orthogonal` recurrent kernel made in JS. */
  override build(inputShape: Shape | Shape[]): void {
    ensureWasmSegmentSum(); // so an Embedding before this layer trains on wasm too
    const cell = this.cell as unknown as { recurrentInitializer: InitializerLike };
    const original = cell.recurrentInitializer;
    if (original.getClassName() === 'Orthogonal')
      cell.recurrentInitializer = fastOrthogonal(original);
    try {
      super.build(inputShape);
    } finally {
      cell.recurrentInitializer = original;
    }
  }

  /** Which equations `runRecurrence` runs. */
  abstract readonly cellType: Cell;

  /** tfjs's stock cell holding the weights and config (typed view of its public fields). */
  protected get cellFields(): CellFields {
    return this.cell as unknown as CellFields;
  }

  /** The inputs to `runRecurrence`, minus x and the initial states. */
  protected recurrenceOptions(): Omit<RecurrenceInputs, 'x' | 'h0' | 'c0' | 'mask'> {
    const cell = this.cellFields;
    const layer = `${this.getClassName()} '${this.name}'`;
    const activation = pick('activation', cell.activation?.getClassName(), ACTIVATIONS, layer);
    return {
      cell: this.cellType,
      kernel: cell.kernel.read() as tf.Tensor2D,
      recurrentKernel: cell.recurrentKernel.read() as tf.Tensor2D,
      bias: cell.bias == null ? null : cell.bias.read(),
      goBackwards: this.goBackwards,
      activation,
      ...(cell.recurrentActivation
        ? {
            recurrentActivation: pick(
              'recurrentActivation',
              cell.recurrentActivation.getClassName(),
              RECURRENT_ACTIVATIONS,
              layer,
            ),
          }
        : {}),
      ...(this.cellType === 'gru' ? { resetAfter: cell.resetAfter ?? false } : {}),
    };
  }

  /**
   * Gives each call its own options object: tfjs's executor (`predict`, `fit`) hands one object
   * to every layer in turn and `RNN.apply` writes `initialState` into it, which the next
   * recurrent layer would then misread.
   */
  override apply(
    inputs: tf.Tensor | tf.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[],
    kwargs?: Kwargs,
  ): tf.Tensor | tf.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[] {
    return super.apply(inputs, kwargs == null ? kwargs : { ...kwargs });
  }

  /**
   * [batch, time, features] -> output ([batch, time, units] with returnSequences, else
   * [batch, units]), followed by the final states [h] or [h, c] when returnState.
   */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      // A functional model's node calls with [x, ...initial states] (tfjs `standardizeArgs`).
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const x = list[0] as tf.Tensor3D;
      const fromKwargs = kwargs?.initialState as tf.Tensor[] | tf.Tensor | null | undefined;
      let initialState: tf.Tensor[] | null = list.length > 1 ? list.slice(1) : null;
      if (initialState == null && fromKwargs != null) {
        const given = Array.isArray(fromKwargs) ? fromKwargs : [fromKwargs];
        // symbolic tensors in a node's saved call args are not values: the inputs carry them
        if (given.every((s) => s instanceof tf.Tensor)) initialState = given;
      }
      const training = kwargs?.training === true;
      const cell = this.cellFields;
      if (training && (cell.dropout > 0 || cell.recurrentDropout > 0)) {
        throw new ModelsError(
          'UNSUPPORTED',
          `${this.getClassName()} '${this.name}': dropout and recurrentDropout are not supported in training (got ${cell.dropout}, ${cell.recurrentDropout}): put a Dropout layer between recurrent layers instead`,
        );
      }
      const numStates = this.cellType === 'lstm' ? 2 : 1;
      const batch = x.shape[0];
      if (initialState == null) {
        initialState = this.stateful
          ? this.states_
          : Array.from({ length: numStates }, () => tf.zeros([batch, cell.units]));
      }
      if (initialState.length !== numStates) {
        throw new ModelsError(
          'BAD_STATE',
          `${this.getClassName()} '${this.name}' has ${numStates} state(s) but was given ${initialState.length}: pass initialState: ${numStates === 2 ? '[h, c]' : '[h]'}`,
        );
      }
      const mask = kwargs?.mask as tf.Tensor | tf.Tensor[] | null | undefined;
      const mask0 = Array.isArray(mask) ? mask[0] : mask;
      const out = runRecurrence({
        ...this.recurrenceOptions(),
        x,
        h0: initialState[0] as tf.Tensor2D,
        ...(numStates === 2 ? { c0: initialState[1] as tf.Tensor2D } : {}),
        ...(mask0 != null
          ? { mask: tf.reshape(tf.cast(mask0, 'float32'), [batch, x.shape[1]]) as tf.Tensor2D }
          : {}),
      });
      const states = out.c ? [out.h, out.c] : [out.h];
      if (this.stateful) this.resetStates(states, training);
      let output = this.returnSequences ? out.sequence : out.h;
      if (this.zeroOutputForMask && this.returnSequences && mask0 != null) {
        // the sequence is in processing order: a go_backwards layer's mask reversed
        const m = tf.reshape(tf.cast(mask0, 'float32'), [batch, x.shape[1], 1]);
        output = tf.mul(output, this.goBackwards ? tf.reverse(m, 1) : m);
      }
      return this.returnState ? [output, ...states] : output;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config = super.getConfig();
    // written only when set, so the saved configs of other models stay as they were
    return this.zeroOutputForMask ? { ...config, zeroOutputForMask: true } : config;
  }

  /** Stock layers are rebuilt from their flat config (no nested `cell`). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}

/** h_t = act(x_t K + h_{t-1} R + b), saved as tfjs/Keras `SimpleRNN`. */
export class SimpleRNN extends RecurrentLayer {
  static override className = 'SimpleRNN';
  readonly cellType = 'rnn';
  constructor(args: SimpleRNNArgs) {
    super({ ...args, cell: tfl.layers.simpleRNNCell(args) });
  }
}

/** LSTM with gates i f c o, saved as tfjs/Keras `LSTM`. recurrentActivation defaults to sigmoid. */
export class LSTM extends RecurrentLayer {
  static override className = 'LSTM';
  readonly cellType = 'lstm';
  constructor(args: LSTMArgs) {
    const cellArgs = {
      ...args,
      recurrentActivation: args.recurrentActivation ?? KERAS_RECURRENT_ACTIVATION,
    };
    super({ ...cellArgs, cell: tfl.layers.lstmCell(cellArgs) });
  }
}

/**
 * GRU with gates z r h, saved as tfjs/Keras `GRU` (config key `resetAfter`). Defaults:
 * resetAfter true, recurrentActivation sigmoid (Keras 2/3).
 */
export class GRU extends RecurrentLayer {
  static override className = 'GRU';
  readonly cellType = 'gru';
  constructor(args: GRUArgs) {
    const cellArgs = {
      ...args,
      recurrentActivation: args.recurrentActivation ?? KERAS_RECURRENT_ACTIVATION,
      resetAfter: args.resetAfter ?? true,
    };
    super({ ...cellArgs, cell: new ResetAfterGRUCell(cellArgs) });
  }
  /** Whether the reset gate is applied after the recurrent matMul (bias [2, 3*units]). */
  get resetAfter(): boolean {
    return this.cellFields.resetAfter ?? false;
  }
}
