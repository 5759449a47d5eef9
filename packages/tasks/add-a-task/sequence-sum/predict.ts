/**
 * Sequence sum's trained task: the sums it predicts, its error on held-out sequences, save; and
 * `restoreSequenceSum` for `loadTask`. Beside it: options.ts, train.ts.
 */
import type { LoadedModel } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type SavableTask, saveAndDispose, savedConfig } from '../common.js';
import { TaskError } from '../errors.js';
import {
  builderArgs,
  checkSequences,
  type NumberSequence,
  SEQUENCE_SUM,
  type SequenceSumResolved,
} from './options.js';

export interface SequenceSummer extends SavableTask {
  readonly task: typeof SEQUENCE_SUM;
  readonly options: SequenceSumResolved;
  readonly seqLength: number;
  readonly model: tfl.LayersModel;
  /** Mean absolute error of the predicted sums. */
  evaluate(heldOut: readonly NumberSequence[]): { mae: number; examples: number };
  predict(sequences: readonly NumberSequence[]): number[];
}

/** [n, T, 1] float32: one feature per step. */
export function sequencesTensor(rows: readonly NumberSequence[]): tf.Tensor3D {
  const T = rows[0]!.length;
  return tf.tensor3d(Float32Array.from(rows.flat()), [rows.length, T, 1]);
}

export function sequenceSummer(
  model: tfl.LayersModel,
  seqLength: number,
  options: SequenceSumResolved,
  metrics: Record<string, number>,
): SequenceSummer {
  const task: SequenceSummer = {
    task: SEQUENCE_SUM,
    options,
    seqLength,
    model,
    metrics,
    evaluate(heldOut) {
      checkSequences(heldOut, 'held-out data');
      const preds = task.predict(heldOut);
      const errors = preds.map((p, i) => Math.abs(p - heldOut[i]!.reduce((a, b) => a + b, 0)));
      const m = { mae: errors.reduce((a, b) => a + b, 0) / errors.length, examples: errors.length };
      task.metrics = { ...m };
      return m;
    },
    predict(sequences) {
      checkSequences(sequences, 'sequences');
      const out = tf.tidy(() => model.predict(sequencesTensor(sequences)) as tf.Tensor); // [n, 1]
      const sums = Array.from(out.dataSync());
      out.dispose();
      return sums;
    },
    ...saveAndDispose(model, () => ({
      task: SEQUENCE_SUM,
      builder: 'manyToOne',
      args: builderArgs(options, seqLength),
      config: { ...options, seqLength },
      metrics: task.metrics,
    })),
  };
  return task;
}

/** The task from a loaded artifact. */
export function restoreSequenceSum(loaded: LoadedModel): SequenceSummer {
  const config = savedConfig<SequenceSumResolved & { seqLength: number }>(loaded);
  if (!config?.seqLength) {
    throw new TaskError(
      'BAD_ARTIFACT',
      'a sequence-sum artifact must hold its seqLength (rnnkit.json training.config): save it again',
    );
  }
  const { seqLength, ...options } = config;
  return sequenceSummer(loaded.model, seqLength, options, loaded.meta.training?.metrics ?? {});
}
