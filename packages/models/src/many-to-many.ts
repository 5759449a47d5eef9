/**
 * Many-to-many (aligned): one output per input step; the char language model of the tutorial.
 * x [batch, time, inputWidth] -> RNN(returnSequences) [batch, time, units] -> dense per step ->
 * logits [batch, time, classes].
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
import { type CellType, recurrentLayer } from './cells.js';
import { checkInt } from './errors.js';
import { initializeWeights } from './init-weights.js';
import { type InputSpec, inputWidth } from './inputs.js';

export interface ManyToManyArgs {
  /** Recurrent cell. Default `'lstm'`. */
  cell?: CellType;
  /** Hidden size of each recurrent layer. */
  units: number;
  /** Number of output classes per step (the vocab size for a language model). */
  classes: number;
  /** What x_t is. */
  input: InputSpec;
  /** Stacked recurrent layers. Default 1. */
  layers?: number;
  /** Fixed time length, or null (default) for any length. */
  seqLength?: number | null;
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
}

export interface RecurrentModel {
  /** The tfjs Layers model; outputs are logits (apply softmax or argmax to read them). */
  model: tfl.LayersModel;
}

export function manyToMany(args: ManyToManyArgs): RecurrentModel {
  const layers = args.layers ?? 1;
  checkInt('layers', layers, 1, 'stack at least one recurrent layer');
  checkInt('classes', args.classes, 1, 'the output needs at least one class');
  const model = tfl.sequential({ name: 'many_to_many' });
  for (let l = 0; l < layers; l++) {
    model.add(
      recurrentLayer({
        cell: args.cell ?? 'lstm',
        units: args.units,
        returnSequences: true,
        name: `rnn_${l + 1}`,
        ...(l === 0 ? { inputShape: [args.seqLength ?? null, inputWidth(args.input)] } : {}),
      }),
    );
  }
  model.add(tfl.layers.dense({ units: args.classes, name: 'logits' })); // per step, last axis
  initializeWeights(model, args.seed ?? 0);
  return { model };
}
