/**
 * Many-to-one: a sequence in, one output out (sentiment; the next value of a window).
 * input -> x [batch, time, inputWidth] -> recurrent stack -> last state [batch, D] -> head, where
 * D = units * (bidirectional ? 2 : 1). With a `maskZero` input, padding (pre or post) does not
 * change the output: masked steps keep the state, so the last state is the last real step's.
 *
 * Heads give raw scores: `classes` gives logits (softmax is applied by the loss,
 * `sparseCategoricalCrossentropy` from logits, or by the caller when predicting), `binary` one
 * logit (sigmoid likewise), `regression` linear values, `none` the last hidden state itself.
 *
 * Neighbours in `topologies/`: the four builders (`many-to-one.ts`, `many-to-many.ts`,
 * `one-to-many.ts`, `seq2seq.ts`) over one stack of recurrent layers (`stack.ts`).
 *
 * @example
 * ```ts
 * import { manyToOne } from '@rnnkit/models';
 * // the tutorial's Sequential([LSTM(1, input_shape=(5, 1))])
 * const { model } = manyToOne({ cell: 'lstm', units: 1, input: { type: 'features', features: 1 },
 *   seqLength: 5, head: { type: 'none' }, seed: 0 });
 * model.outputs[0].shape; // [null, 1]
 * ```
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { checkInt, ModelsError } from '../errors.js';
import type { InputSpec } from '../layers/inputs.js';
import type { RecurrentModel } from './many-to-many.js';
import { type CommonArgs, commonOptions, sequenceModel } from './stack.js';

export type Head =
  /** Linear outputs (forecasts, 1 or k steps ahead): [batch, outputs]. */
  | { type: 'regression' /** Values per example. Default 1. */; outputs?: number }
  /** Logits over classes: [batch, classes]; softmax belongs to the loss or the reader. */
  | { type: 'classes' /** Number of classes, at least 2. */; classes: number }
  /** One logit for a yes/no label: [batch, 1]; sigmoid belongs to the loss or the reader. */
  | { type: 'binary' }
  /** The last hidden state itself: [batch, D] (the tutorial's bare `LSTM(1)`). */
  | { type: 'none' };

/** The head kinds, for messages. */
export const HEAD_TYPES = ['classes', 'binary', 'regression', 'none'] as const;

export interface ManyToOneArgs extends CommonArgs {
  /** What x_t is: token ids (embedding or one-hot) or numeric features. */
  input: InputSpec;
  /** What the last state maps to. */
  head: Head;
  /** Read the sequence both ways and concatenate the two last states. Default false. */
  bidirectional?: boolean;
  /** Fixed time length, or null (default) for any length. */
  seqLength?: number | null;
}

export interface ManyToOneModel extends RecurrentModel {
  /** The recurrent layers: per stacked layer, [forward] or [forward, backward]. */
  recurrent: tfl.layers.Layer[][];
}

/** Builds a many-to-one model: input [batch, time(, features)] -> output [batch, k]. */
export function manyToOne(args: ManyToOneArgs): ManyToOneModel {
  const o = commonOptions(args);
  const head = args.head;
  if (!HEAD_TYPES.includes(head?.type)) {
    throw new ModelsError(
      'BAD_OPTION',
      `head.type must be one of ${HEAD_TYPES.map((h) => `'${h}'`).join(', ')}, got ${JSON.stringify(head?.type)}: e.g. head: { type: 'classes', classes: 3 }`,
    );
  }
  // only the top layer reduces to the last state
  const { stack, build } = sequenceModel(args, o, false);
  let y = stack.output; // [batch, D]
  if (head.type === 'regression') {
    const outputs = head.outputs ?? 1;
    checkInt('head.outputs', outputs, 1, 'give the number of values to predict, e.g. outputs: 1');
    y = tfl.layers.dense({ units: outputs, name: 'regression' }).apply(y) as tfl.SymbolicTensor;
  } else if (head.type === 'classes') {
    checkInt(
      'head.classes',
      head.classes,
      2,
      "a classifier needs at least two classes (or use head: { type: 'binary' })",
    );
    y = tfl.layers.dense({ units: head.classes, name: 'logits' }).apply(y) as tfl.SymbolicTensor;
  } else if (head.type === 'binary') {
    y = tfl.layers.dense({ units: 1, name: 'logits' }).apply(y) as tfl.SymbolicTensor;
  }
  const model = build(y, 'many_to_one');
  return { model, recurrent: stack.layers };
}
