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
 * Neighbours in `layers/`: `recurrent.ts` (the recurrent layers over the cells of `cells/`),
 * `recurrent-layer.ts` (their factory), `inputs.ts`, `attention.ts`, the initialisers, and
 * `custom-objects.ts` (what `load` needs to rebuild them).
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

import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import {
  DEFAULT_RECURRENT_ACTIVATION,
  GATE_ACTIVATIONS,
  OUTPUT_ACTIVATIONS,
} from '../cells/activations.js';
import { DEFAULT_RESET_AFTER } from '../cells/gru.js';
import { type AnyCell, CELLS, type CellType, cellOf } from '../cells/index.js';
import { checkRate, ModelsError } from '../errors.js';
import { subSeed } from '../random.js';
import type { Cell, RecurrenceInputs } from '../recurrence/contract.js';
import { runRecurrence } from '../recurrence/select.js';
import { orthogonal } from './initializers.js';
import { ensureWasmSegmentSum } from './segment-sum.js';

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
// a type, not an interface: the layer args stay assignable to Record<string, unknown>
type MaskOutputArgs = {
  /**
   * Keras's `zero_output_for_mask`: with returnSequences and a mask, masked steps output 0
   * instead of repeating the previous output (Keras forces it on inside `Bidirectional`).
   * Default false.
   */
  zeroOutputForMask?: boolean;
  /**
   * Run as if the input had no mask, whatever mask the caller passes (and give no output mask).
   * Keras 3 runs a recurrent layer called with `initial_state` unmasked, and a layer of a
   * functional graph whose input carries no mask must not get the mask tfjs's executor leaves
   * in its shared call options from an earlier masked layer. `importKeras` sets it on the layers
   * Keras's config calls without `mask=`. Default false.
   */
  ignoreMask?: boolean;
};

/**
 * The fields of a recurrent layer's kernel inputs (`RecurrenceInputs`) that a caller may add: the
 * ids its x is the one-hot of, and a fused softmax head for its outputs.
 */
export type RecurrenceSeam = Pick<RecurrenceInputs, 'ids' | 'head'>;

/**
 * What a caller may pass `apply` (of a recurrent layer or of a model holding some) besides tfjs's
 * options: `{ training, recurrenceSeams: new Map([[layer, { ids }]]) }` gives `layer` those
 * fields. By layer, because tfjs's executor hands one options object to every layer of a model.
 * The fused loss (`fast/fused-head.ts`) gives them; no other caller needs to.
 */
export interface RecurrenceSeamArgs {
  recurrenceSeams?: ReadonlyMap<tfl.layers.Layer, RecurrenceSeam>;
}

/** What rnnkit adds to every recurrent layer's options. */
type DropoutSeedArgs = {
  /**
   * Seed of the `dropout` and `recurrentDropout` masks (Keras's `seed`): the same seed draws the
   * same masks on every backend. Default 0.
   */
  seed?: number;
};

/** Options shared by the three layers: tfjs-layers' own, minus `cell`, plus the dropout seed. */
export type SimpleRNNArgs = Omit<tfl.SimpleRNNLayerArgs, 'cell'> & MaskOutputArgs & DropoutSeedArgs;
export type LSTMArgs = Omit<tfl.LSTMLayerArgs, 'cell'> & MaskOutputArgs & DropoutSeedArgs;
export interface GRUArgs extends Omit<tfl.GRULayerArgs, 'cell'>, MaskOutputArgs, DropoutSeedArgs {
  /**
   * Apply the reset gate after the recurrent matMul, with separate input and recurrent biases
   * (bias [2, 3*units]): Keras 2/3's default and cuDNN's/PyTorch's GRU. False is Keras 1's and
   * stock tfjs's GRU. Default true.
   */
  resetAfter?: boolean;
}

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

/**
 * Keras's dropout masks of one sequence batch (`DropoutRNNCell`): values 0 (probability `rate`)
 * or 1 / (1 - rate), drawn from `rand`; `count` masks of [batch, width] as [count, batch, width].
 */
function dropoutMasks(
  rand: () => number,
  rate: number,
  count: number,
  batch: number,
  width: number,
): tf.Tensor3D {
  const keep = 1 / (1 - rate);
  const values = new Float32Array(count * batch * width);
  for (let i = 0; i < values.length; i++) values[i] = rand() >= rate ? keep : 0;
  return tf.tensor3d(values, [count, batch, width]);
}

/** The base of rnnkit's recurrent layers: tfjs's `RNN` with the time loop of `runRecurrence`. */
export abstract class RecurrentLayer extends tfl.RNN {
  /** See `MaskOutputArgs.zeroOutputForMask`. */
  readonly zeroOutputForMask: boolean;
  /** See `MaskOutputArgs.ignoreMask`. */
  readonly ignoreMask: boolean;
  /** Seed of the dropout masks; each training call draws the next masks from it. */
  readonly seed: number;
  private dropoutCalls = 0;

  constructor(
    args: tfl.RNNLayerArgs &
      MaskOutputArgs &
      DropoutSeedArgs & { dropout?: number; recurrentDropout?: number },
  ) {
    const layer = `${args.name ?? 'recurrent layer'}`;
    checkRate(
      `${layer}: dropout`,
      args.dropout ?? 0,
      'the fraction of x_t dropped in training, e.g. dropout: 0.2',
    );
    checkRate(
      `${layer}: recurrentDropout`,
      args.recurrentDropout ?? 0,
      'the fraction of h_{t-1} dropped in training, e.g. recurrentDropout: 0.2',
    );
    super(args);
    this.zeroOutputForMask = args.zeroOutputForMask ?? false;
    this.ignoreMask = args.ignoreMask ?? false;
    this.seed = args.seed ?? 0;
  }

  /**
   * The stock config, plus the dropout masks' `seed` when a dropout rate is set (Keras's key) and
   * `zeroOutputForMask` when set: written only then, so other models' saved configs stay as they
   * were.
   */
  override getConfig(): tf.serialization.ConfigDict {
    const config = super.getConfig();
    const cell = this.cellFields;
    return {
      ...config,
      ...(cell.dropout > 0 || cell.recurrentDropout > 0 ? { seed: this.seed } : {}),
      ...(this.zeroOutputForMask ? { zeroOutputForMask: true } : {}),
      ...(this.ignoreMask ? { ignoreMask: true } : {}),
    };
  }

  /** The stock output mask, or none when the layer ignores masks (`ignoreMask`). */
  override computeMask(
    inputs: tf.Tensor | tf.Tensor[],
    mask?: tf.Tensor | tf.Tensor[],
  ): tf.Tensor | tf.Tensor[] {
    return super.computeMask(inputs, this.ignoreMask ? undefined : mask);
  }

  /**
   * Keras 3's dropout for one training call (`DropoutRNNCell`, one mask per sequence, the same at
   * every step): with recurrentDropout, one input and one recurrent mask per gate (Keras's
   * implementation 1); with input dropout alone, one mask shared by the gates, applied to x here.
   */
  private dropout(
    x: tf.Tensor3D,
  ): Pick<RecurrenceInputs, 'x' | 'inputDropout' | 'recurrentDropout'> {
    const { dropout, recurrentDropout, units } = this.cellFields;
    const rand = mulberry32(subSeed(this.seed, this.dropoutCalls++));
    const [batch, , features] = x.shape;
    if (recurrentDropout > 0) {
      const k = cellOf(this.cellType).layout.gates;
      return {
        x,
        ...(dropout > 0 ? { inputDropout: dropoutMasks(rand, dropout, k, batch, features) } : {}),
        recurrentDropout: dropoutMasks(rand, recurrentDropout, k, batch, units),
      };
    }
    const mask = tf.reshape(dropoutMasks(rand, dropout, 1, batch, features), [batch, 1, features]);
    return { x: tf.mul(x, mask) as tf.Tensor3D };
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
    const activation = pick(
      'activation',
      cell.activation?.getClassName(),
      OUTPUT_ACTIVATIONS,
      layer,
    );
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
              GATE_ACTIVATIONS,
              layer,
            ),
          }
        : {}),
      ...(cellOf(this.cellType).resetAfter ? { resetAfter: cell.resetAfter ?? false } : {}),
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
      const dropped =
        training && (cell.dropout > 0 || cell.recurrentDropout > 0) ? this.dropout(x) : { x };
      const numStates = cellOf(this.cellType).layout.states.length;
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
      const mask = this.ignoreMask
        ? null
        : (kwargs?.mask as tf.Tensor | tf.Tensor[] | null | undefined);
      const mask0 = Array.isArray(mask) ? mask[0] : mask;
      const seam = (kwargs as RecurrenceSeamArgs | undefined)?.recurrenceSeams?.get(this);
      const out = runRecurrence({
        ...this.recurrenceOptions(),
        // the ids of a one-hot x, unless dropout scaled x
        ...(seam?.ids != null && dropped.x === x ? { ids: seam.ids } : {}),
        ...(seam?.head != null ? { head: seam.head } : {}),
        ...dropped,
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

  /**
   * Runs x [batch, time, features] from `states` ([h] or [h, c], each [batch, units]) at
   * inference (no dropout, no mask) and returns the final states: one step of a stream
   * (`topologies/stream.ts`) is this on [batch, 1, features].
   */
  runFrom(x: tf.Tensor3D, states: readonly tf.Tensor2D[]): tf.Tensor2D[] {
    return tf.tidy(() => {
      const out = runRecurrence({
        ...this.recurrenceOptions(),
        x,
        h0: states[0] as tf.Tensor2D,
        ...(states.length === 2 ? { c0: states[1] as tf.Tensor2D } : {}),
      });
      return out.c ? [out.h, out.c] : [out.h];
    });
  }

  /** Stock layers are rebuilt from their flat config (no nested `cell`). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}

/** $h_t = \mathrm{act}(x_t K + h_{t-1} R + b)$, saved as tfjs/Keras `SimpleRNN` (`cells/rnn.ts`). */
export class SimpleRNN extends RecurrentLayer {
  static override className = CELLS.rnn.className;
  readonly cellType = 'rnn';
  constructor(args: SimpleRNNArgs) {
    super({ ...args, cell: CELLS.rnn.stockCell({ ...args }) });
  }
}

/** A gated cell's options with Keras's gate activation unless one is given. */
function withGateDefault<T extends { recurrentActivation?: unknown }>(args: T): T {
  return { ...args, recurrentActivation: args.recurrentActivation ?? DEFAULT_RECURRENT_ACTIVATION };
}

/**
 * LSTM with gates i f c o, saved as tfjs/Keras `LSTM` (`cells/lstm.ts`). recurrentActivation
 * defaults to sigmoid.
 */
export class LSTM extends RecurrentLayer {
  static override className = CELLS.lstm.className;
  readonly cellType = 'lstm';
  constructor(args: LSTMArgs) {
    const cellArgs = withGateDefault(args);
    super({ ...cellArgs, cell: CELLS.lstm.stockCell(cellArgs) });
  }
}

/**
 * GRU with gates z r h, saved as tfjs/Keras `GRU` (config key `resetAfter`; `cells/gru.ts`).
 * Defaults: resetAfter true, recurrentActivation sigmoid (Keras 2/3).
 */
export class GRU extends RecurrentLayer {
  static override className = CELLS.gru.className;
  readonly cellType = 'gru';
  constructor(args: GRUArgs) {
    const cellArgs = {
      ...withGateDefault(args),
      resetAfter: args.resetAfter ?? DEFAULT_RESET_AFTER,
    };
    super({ ...cellArgs, cell: CELLS.gru.stockCell(cellArgs) });
  }
  /** Whether the reset gate is applied after the recurrent matMul (bias [2, 3*units]). */
  get resetAfter(): boolean {
    return this.cellFields.resetAfter ?? false;
  }
}

type LayerClass = (new (args: GRUArgs) => RecurrentLayer) & { className: string };

/** The layer class of each built-in cell. */
const LAYER_CLASSES: Record<CellType, LayerClass> = { rnn: SimpleRNN, lstm: LSTM, gru: GRU };
const generated = new Map<string, LayerClass>();

/**
 * The layer class of a cell: the built-in ones above, or, for a cell added with `registerCell`,
 * a class made once from its definition (saved under its `className`).
 */
export function layerClassOf(def: AnyCell): LayerClass {
  const builtIn = (LAYER_CLASSES as Record<string, LayerClass>)[def.name];
  if (builtIn !== undefined) return builtIn;
  let cls = generated.get(def.name);
  if (cls === undefined) {
    cls = class extends RecurrentLayer {
      static override className = def.className;
      readonly cellType = def.name as CellType;
      constructor(args: GRUArgs) {
        const cellArgs = def.gated ? withGateDefault(args) : args;
        super({ ...cellArgs, cell: def.stockCell(cellArgs as unknown as Record<string, unknown>) });
      }
    };
    generated.set(def.name, cls);
  }
  return cls;
}
