/**
 * Many-to-many (aligned): one output per input step; the char language model of the tutorial and
 * sequence tagging. input -> x [batch, time, inputWidth] -> recurrent stack (every step)
 * [batch, time, D] -> dense per step -> logits [batch, time, classes], D = units * directions.
 *
 * `bidirectional` suits tagging (each step sees the whole sequence); a language model must stay
 * unidirectional, since the backward half would read the very token it is asked to predict.
 * Logits at padded steps are computed but meaningless: the loss masks them.
 *
 * Neighbours in `topologies/`: the four builders (`many-to-one.ts`, `many-to-many.ts`,
 * `one-to-many.ts`, `seq2seq.ts`) over one stack of recurrent layers (`stack.ts`).
 *
 * @example
 * ```ts
 * import { manyToMany } from '@rnnkit/models';
 * const { model } = manyToMany({ cell: 'rnn', units: 16, classes: 16,
 *   input: { type: 'oneHot', vocabSize: 16 }, seed: 0 });
 * model.outputs[0].shape; // [null, null, 16]
 * ```
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { checkInt } from '../errors.js';
import type { InputSpec } from '../layers/inputs.js';
import { type CommonArgs, commonOptions, sequenceModel } from './stack.js';

export interface ManyToManyArgs extends CommonArgs {
  /** Number of output classes per step (the vocab size for a language model). */
  classes: number;
  /** What x_t is: token ids (embedding or one-hot) or numeric features. */
  input: InputSpec;
  /** Read the sequence both ways (tagging only, never a language model). Default false. */
  bidirectional?: boolean;
  /** Fixed time length, or null (default) for any length. */
  seqLength?: number | null;
}

export interface RecurrentModel {
  /** The tfjs Layers model; outputs are logits (apply softmax or argmax to read them). */
  model: tfl.LayersModel;
}

export interface ManyToManyModel extends RecurrentModel {
  /** The input layer (`tokens_embedding` or `tokens_one_hot`), null for features. */
  embedding: tfl.layers.Layer | null;
  /** The recurrent layers `rnn_1` .. `rnn_L`: per stacked layer, [forward] or [forward, backward]. */
  recurrent: tfl.layers.Layer[][];
  /** The per-step dense layer `logits`: [batch, time, D] -> [batch, time, classes]. */
  logits: tfl.layers.Layer;
}

/** Builds an aligned many-to-many model: input [batch, time(, features)] -> [batch, time, classes]. */
export function manyToMany(args: ManyToManyArgs): ManyToManyModel {
  const o = commonOptions(args);
  checkInt(
    'classes',
    args.classes,
    1,
    'the output needs at least one class, e.g. classes: vocab.size',
  );
  const { layer, stack, build } = sequenceModel(args, o, true);
  const logits = tfl.layers.dense({ units: args.classes, name: 'logits' }); // per step, last axis
  const y = logits.apply(stack.output) as tfl.SymbolicTensor; // [batch, time, classes]
  const model = build(y, 'many_to_many');
  return { model, embedding: layer, recurrent: stack.layers, logits };
}
