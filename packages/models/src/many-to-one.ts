/**
 * Many-to-one: a sequence in, one output out (sentiment; the next value of a window).
 * x [batch, time, inputWidth] -> RNN [batch, units] (last state) -> head.
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
import { type CellType, recurrentLayer } from './cells.js';
import { checkInt } from './errors.js';
import { initializeWeights } from './init-weights.js';
import { type InputSpec, inputWidth } from './inputs.js';
import type { RecurrentModel } from './many-to-many.js';

export type Head =
  /** Linear outputs (forecasts): [batch, outputs]. */
  | { type: 'regression'; outputs?: number }
  /** Logits over classes: [batch, classes]. */
  | { type: 'classes'; classes: number }
  /** The last hidden state itself: [batch, units] (the tutorial's bare `LSTM(1)`). */
  | { type: 'none' };

export interface ManyToOneArgs {
  /** Recurrent cell. Default `'lstm'`. */
  cell?: CellType;
  /** Hidden size of each recurrent layer. */
  units: number;
  input: InputSpec;
  head: Head;
  /** Stacked recurrent layers. Default 1. */
  layers?: number;
  /** Fixed time length, or null (default) for any length. */
  seqLength?: number | null;
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
}

export function manyToOne(args: ManyToOneArgs): RecurrentModel {
  const layers = args.layers ?? 1;
  checkInt('layers', layers, 1, 'stack at least one recurrent layer');
  const model = tfl.sequential({ name: 'many_to_one' });
  for (let l = 0; l < layers; l++) {
    model.add(
      recurrentLayer({
        cell: args.cell ?? 'lstm',
        units: args.units,
        returnSequences: l < layers - 1, // only the last layer reduces to the last state
        name: `rnn_${l + 1}`,
        ...(l === 0 ? { inputShape: [args.seqLength ?? null, inputWidth(args.input)] } : {}),
      }),
    );
  }
  const head = args.head;
  if (head.type === 'regression') {
    model.add(tfl.layers.dense({ units: head.outputs ?? 1, name: 'regression' }));
  } else if (head.type === 'classes') {
    checkInt('classes', head.classes, 2, 'a classifier needs at least two classes');
    model.add(tfl.layers.dense({ units: head.classes, name: 'logits' }));
  }
  initializeWeights(model, args.seed ?? 0);
  return { model };
}
