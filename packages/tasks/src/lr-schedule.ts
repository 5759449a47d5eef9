/**
 * The learning-rate schedule of a task run, by name: `'cosine'` (the default of the text and
 * seq2seq tasks) or `'constant'`. A time-limited run gets the most from a high rate early and a
 * low one at the end (Loshchilov & Hutter 2017); the cosine runs over the planned steps (epochs x
 * batches per epoch) after a short linear warm-up, down to 5% of the rate.
 *
 * @example
 * ```ts
 * scheduleFor({ schedule: 'cosine', learningRate: 0.003 }, 1000);
 * // { schedule: { type: 'cosine', totalSteps: 1000, warmupSteps: 50, minLearningRate: 0.00015 } }
 * scheduleFor({ schedule: 'constant', learningRate: 0.003 }, 1000); // {}
 * ```
 */
import type { ScheduleConfig } from '@rnnkit/training';

export type LearningRateSchedule = 'cosine' | 'constant';

/** The schedule names, for option checks and messages. */
export const SCHEDULES: readonly LearningRateSchedule[] = ['cosine', 'constant'];
export const DEFAULT_SCHEDULE: LearningRateSchedule = 'cosine';
/** Where the cosine ends, as a share of the learning rate. */
export const COSINE_FLOOR = 0.05;
/** Warm-up steps: 5% of the run, at most this many. */
export const MAX_WARMUP_STEPS = 100;

/** The `runTraining` schedule argument for a run of `totalSteps` updates. */
export function scheduleFor(
  o: { schedule: LearningRateSchedule; learningRate: number },
  totalSteps: number,
): { schedule?: ScheduleConfig } {
  if (o.schedule === 'constant') return {};
  const steps = Math.max(1, Math.round(totalSteps));
  return {
    schedule: {
      type: 'cosine',
      totalSteps: steps,
      warmupSteps: Math.min(MAX_WARMUP_STEPS, Math.floor(steps * 0.05)),
      minLearningRate: o.learningRate * COSINE_FLOOR,
    },
  };
}
