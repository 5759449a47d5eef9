/**
 * One-to-many: a condition (a class id, or a feature vector such as an image embedding) sets the
 * decoder's initial state, and the decoder emits a sequence (names per language; captioning).
 *
 * Training (teacher forcing): model inputs `[condition, tokens]`:
 * - condition: class ids [batch, 1] (int32) or features [batch, features]
 * - tokens: the previous tokens [batch, time] (`<bos>` then the target shifted right), or
 *   [batch, time, features] for a `features` input
 *
 * and output logits [batch, time, classes] for the next token at every step. Inside: condition ->
 * vector v [batch, k] (class embedding or the features) -> for each decoder layer l,
 * $h^0_l = \tanh(v W_h + b)$ (`condition_h_l`), and for lstm $c^0_l = \tanh(v W_c + b)$ (`condition_c_l`);
 * with `conditionEveryStep`, v is also concatenated to every input step (Karpathy & Fei-Fei 2015
 * feed it once; Vinyals et al. 2015 at every step; both are common).
 *
 * Generation (the caller's loop, e.g. greedy or beam search): `state = conditionToState(cond)`, then
 * repeatedly `{ logits, state } = step(prevTokens, state, cond)`: one cell step per token. `state`
 * is flat: [h_1, c_1, h_2, c_2, ...] for lstm, [h_1, h_2, ...] otherwise, each [batch, units].
 *
 * Neighbours in `topologies/`: the four builders (`many-to-one.ts`, `many-to-many.ts`,
 * `one-to-many.ts`, `seq2seq.ts`) over one stack of recurrent layers (`stack.ts`).
 *
 * @example
 * ```ts
 * import { oneToMany } from '@rnnkit/models';
 * const net = oneToMany({ cell: 'gru', units: 16, classes: 30, condition: { type: 'class', classes: 4 },
 *   input: { type: 'embedding', vocabSize: 30, dims: 8 } });
 * net.model.outputs[0].shape; // [null, null, 30]
 * const state = net.conditionToState(tf.tensor1d([2], 'int32')); // [h_1]: [[1, 16]]
 * const { logits } = net.step(tf.tensor1d([1], 'int32'), state); // logits [1, 30]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { CellType } from '../cells/index.js';
import { checkInt, ModelsError } from '../errors.js';
import type { OneToManyLike } from '../generation/beam-decoders.js';
import { initializeWeights } from '../layers/init-weights.js';
import { type InputSpec, inputName, noMaskInput, sequenceInput } from '../layers/inputs.js';
import { MaskingLayer } from '../layers/masking-layer.js';
import type { RecurrentModel } from './many-to-many.js';
import {
  type CommonArgs,
  commonOptions,
  disposeModels,
  recurrentStack,
  stateCount,
} from './stack.js';

export type ConditionSpec =
  /** A class id [batch, 1] looked up in a trainable table [classes, dims]. */
  | {
      type: 'class';
      /** Number of condition classes (ids 0 .. classes - 1). */
      classes: number;
      /** Width of the class vector. Default: `units`. */
      dims?: number;
    }
  /** A feature vector [batch, features] (e.g. an image embedding), used as it is. */
  | {
      type: 'features';
      /** Width of the vector. */
      features: number;
    };

export interface OneToManyArgs extends CommonArgs {
  /** What the sequence is conditioned on. */
  condition: ConditionSpec;
  /** What the decoder reads at each step: the previous token (embedding or one-hot) or features. */
  input: InputSpec;
  /** Output classes per step (the target vocab size, including `<eos>`). */
  classes: number;
  /** Also concatenate the condition vector to every input step. Default false. */
  conditionEveryStep?: boolean;
  /** Fixed decoder length, or null (default) for any length. */
  seqLength?: number | null;
}

/** The model, its stateful parts and their decoding steps (`conditionToState`, `step`). */
export interface OneToManyModel extends RecurrentModel, OneToManyLike<tf.Tensor2D> {
  /**
   * Frees the weights of all the models here (they share layers). Use this rather than
   * `model.dispose()`, which leaves the shared layers' weights allocated.
   */
  dispose(): void;
  /** Training model: [condition, tokens] -> logits [batch, time, classes]. */
  model: tfl.LayersModel;
  /** condition -> the flat initial state [h_1, (c_1), ...], each [batch, units]. */
  stateModel: tfl.LayersModel;
  /**
   * One decoder step: inputs [token [batch, 1](, features), (condition if conditionEveryStep),
   * ...state] -> [logits [batch, 1, classes], ...state]. Shares weights with `model`.
   */
  stepModel: tfl.LayersModel;
  cell: CellType;
  /** Decoder hidden size. */
  units: number;
  /** Decoder layers. */
  layers: number;
}

/**
 * Broadcasts a vector over the time steps of a sequence: inputs [seq [batch, time, ...],
 * v [batch, k]] -> [batch, time, k]. The sequence's mask passes through.
 */
export class BroadcastTime extends MaskingLayer {
  static className = 'rnnkit>BroadcastTime';

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [seq, v] = inputShape as tfl.Shape[];
    return [seq![0]!, seq![1]!, v![1]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [seq, v] = inputs as tf.Tensor[];
      const time = seq!.shape[1]!;
      return tf.tile(tf.expandDims(v!, 1), [1, time, 1]); // [batch, time, k]
    });
  }

  override computeMask(
    _inputs: tf.Tensor | tf.Tensor[],
    mask?: tf.Tensor | tf.Tensor[],
  ): tf.Tensor | tf.Tensor[] {
    return (Array.isArray(mask) ? mask[0] : mask) as tf.Tensor; // null (no mask) at run time
  }
}

function asList(y: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(y) ? y : [y];
}

/** Builds a one-to-many model and its step-by-step inference pieces. */
export function oneToMany(args: OneToManyArgs): OneToManyModel {
  const o = commonOptions(args);
  checkInt('classes', args.classes, 1, 'give the output vocab size, e.g. classes: vocab.size');
  const cond = args.condition;
  let condInput: tfl.SymbolicTensor;
  let v: tfl.SymbolicTensor; // [batch, k]
  if (cond?.type === 'class') {
    checkInt('condition.classes', cond.classes, 1, 'give the number of condition classes');
    const dims = cond.dims ?? o.units;
    checkInt('condition.dims', dims, 1, 'give the width of the class vector, e.g. dims: 16');
    condInput = tfl.input({ shape: [1], dtype: 'int32', name: 'condition' });
    const e = tfl.layers
      .embedding({
        inputDim: cond.classes,
        outputDim: dims,
        embeddingsInitializer: 'zeros', // set by initializeWeights()
        name: 'condition_embedding',
      })
      .apply(condInput) as tfl.SymbolicTensor; // [batch, 1, dims]
    v = tfl.layers.flatten({ name: 'condition_vector' }).apply(e) as tfl.SymbolicTensor;
  } else if (cond?.type === 'features') {
    checkInt('condition.features', cond.features, 1, 'give the width of the condition vector');
    condInput = tfl.input({ shape: [cond.features], name: 'condition' });
    v = condInput;
  } else {
    throw new ModelsError(
      'BAD_OPTION',
      `condition.type must be 'class' or 'features', got ${JSON.stringify((cond as { type?: unknown } | undefined)?.type)}: e.g. condition: { type: 'class', classes: 10 }`,
    );
  }
  const kinds = stateCount(o.cell) === 2 ? ['h', 'c'] : ['h'];
  const stateLayers = Array.from({ length: o.layers }, (_, l) =>
    kinds.map((k) =>
      tfl.layers.dense({ units: o.units, activation: 'tanh', name: `condition_${k}_${l + 1}` }),
    ),
  );
  const initialState = stateLayers.map((ls) => ls.map((d) => d.apply(v) as tfl.SymbolicTensor));

  const every = args.conditionEveryStep ?? false;
  const broadcast = every ? new BroadcastTime({ name: 'condition_every_step' }) : null;
  const joinCondition = (x: tfl.SymbolicTensor, vec: tfl.SymbolicTensor, tag: string) =>
    broadcast
      ? (tfl.layers
          .concatenate({ name: `decoder_input${tag}` })
          .apply([x, broadcast.apply([x, vec]) as tfl.SymbolicTensor]) as tfl.SymbolicTensor)
      : x;

  noMaskInput(args.input, 'oneToMany');
  const tokens = sequenceInput(args.input, args.seqLength ?? null, inputName(args.input));
  const stack = recurrentStack(joinCondition(tokens.x, v, ''), {
    ...o,
    bidirectional: false,
    returnSequences: true,
    returnState: true, // the same layers serve the step model, which needs the state back
    initialState,
    name: 'decoder',
  });
  const logits = tfl.layers.dense({ units: args.classes, name: 'logits' });
  const y = logits.apply(stack.output) as tfl.SymbolicTensor; // [batch, time, classes]
  const model = tfl.model({ inputs: [condInput, tokens.input], outputs: y, name: 'one_to_many' });
  const stateModel = tfl.model({
    inputs: condInput,
    outputs: initialState.flat(),
    name: 'one_to_many_state',
  });

  // The step model: the same layers on one time step, state in and out (dropout is off anyway).
  const step = sequenceInput(args.input, 1, 'token', tokens.layer);
  const stepCond = every
    ? cond.type === 'class'
      ? tfl.input({ shape: [1], dtype: 'int32', name: 'step_condition' })
      : tfl.input({ shape: [cond.features], name: 'step_condition' })
    : null;
  let stepV: tfl.SymbolicTensor | null = null;
  if (stepCond) {
    stepV =
      cond.type === 'class'
        ? (model
            .getLayer('condition_vector')
            .apply(model.getLayer('condition_embedding').apply(stepCond)) as tfl.SymbolicTensor)
        : stepCond;
  }
  const stateInputs = Array.from({ length: o.layers }, (_, l) =>
    kinds.map((k) => tfl.input({ shape: [o.units], name: `state_${k}_${l + 1}` })),
  );
  let h = stepV ? joinCondition(step.x, stepV, '_step') : step.x;
  const stateOutputs: tfl.SymbolicTensor[] = [];
  for (const [l, [layer]] of stack.layers.entries()) {
    const [seq, ...s] = layer!.apply(h, { initialState: stateInputs[l] }) as tfl.SymbolicTensor[];
    h = seq!;
    stateOutputs.push(...s);
  }
  const stepModel = tfl.model({
    inputs: [step.input, ...(stepCond ? [stepCond] : []), ...stateInputs.flat()],
    outputs: [logits.apply(h) as tfl.SymbolicTensor, ...stateOutputs],
    name: 'one_to_many_step',
  });
  initializeWeights(model, o.seed);

  const condTensor = (c: tf.Tensor) =>
    cond.type === 'class' ? tf.reshape(tf.cast(c, 'int32'), [-1, 1]) : c;
  return {
    model,
    dispose: () => disposeModels([model, stateModel, stepModel]),
    stateModel,
    stepModel,
    cell: o.cell,
    units: o.units,
    layers: o.layers,
    conditionToState: (c) =>
      tf.tidy(() => asList(stateModel.predictOnBatch(condTensor(c))) as tf.Tensor2D[]),
    step: (prev, state, c) =>
      tf.tidy(() => {
        if (every && !c) {
          throw new ModelsError(
            'BAD_OPTION',
            'step() needs the condition: the model joins it to every input step (conditionEveryStep)',
          );
        }
        const batch = prev.shape[0]!;
        const x =
          args.input.type === 'features'
            ? tf.reshape(prev, [batch, 1, args.input.features])
            : tf.reshape(tf.cast(prev, 'int32'), [batch, 1]);
        const out = asList(
          stepModel.predictOnBatch([x, ...(every && c ? [condTensor(c)] : []), ...state]),
        );
        return {
          logits: tf.reshape(out[0]!, [batch, args.classes]) as tf.Tensor2D,
          state: out.slice(1) as tf.Tensor2D[],
        };
      }),
  };
}
