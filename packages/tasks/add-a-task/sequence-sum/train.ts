/**
 * Sequence sum's training: the sequences as [n, T, 1] features, their sums as targets, and the
 * training run (mean squared error). Beside it: options.ts, predict.ts (the task it returns).
 */
import { manyToOne } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import { announce, runTraining, type TaskHooks } from '../common.js';
import {
  builderArgs,
  checkSequences,
  type NumberSequence,
  type SequenceSumOptions,
  sequenceSumDefaults,
} from './options.js';
import { type SequenceSummer, sequenceSummer, sequencesTensor } from './predict.js';

/** Trains a model to sum sequences of numbers. */
export async function trainSequenceSum(
  data: readonly NumberSequence[],
  options: SequenceSumOptions = {},
  hooks: TaskHooks = {},
): Promise<SequenceSummer> {
  checkSequences(data, 'sequence-sum data');
  const { resolved, line } = sequenceSumDefaults(data.length, options);
  announce(hooks, line, { ...resolved });
  const seqLength = data[0]!.length;
  const { model } = manyToOne(builderArgs(resolved, seqLength));
  const x = sequencesTensor(data);
  const y = tf.tensor2d(
    data.map((r) => r.reduce((a, b) => a + b, 0)),
    [data.length, 1],
  );
  try {
    await runTraining(
      'sum',
      model,
      { x, y },
      { loss: 'meanSquaredError', common: resolved },
      hooks,
    );
  } finally {
    tf.dispose([x, y]);
  }
  return sequenceSummer(model, seqLength, resolved, {});
}
