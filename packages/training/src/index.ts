/**
 * `@rnnkit/training`: `train()` for rnnkit and tfjs-layers models: masked losses, optimizers
 * (Adam and AdamW fused), schedules, clipping, metrics, early stopping, checkpoints with exact
 * resume, and backend selection (`setup`).
 *
 * @example
 * ```ts
 * import { manyToMany } from '@rnnkit/models';
 * import { train } from '@rnnkit/training';
 * import { nextTokenWindows } from '@rnnkit/windowing';
 * const ids = Int32Array.from({ length: 400 }, (_, i) => (i * 3 + Math.floor(i / 7)) % 6);
 * const { model } = manyToMany({ units: 16, classes: 6, input: { type: 'oneHot', vocabSize: 6 } });
 * const history = await train(model, nextTokenWindows(ids, { seqLength: 16, stride: 4 }), {
 *   loss: 'sparseCategoricalCrossentropy',
 *   epochs: 8,
 *   batchSize: 10,
 * });
 * history.stopReason; // 'completed'
 * ```
 *
 * @packageDocumentation
 */
export type { BackendChoice, BackendName, SetupArgs, SetupResult } from './backend.js';
export { BACKENDS, setup } from './backend.js';
export type {
  CheckpointFs,
  CheckpointManifest,
  LoadedCheckpoint,
  LoopState,
} from './checkpoint.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  loadCheckpoint,
  nodeFs,
  saveCheckpoint,
} from './checkpoint.js';
export type { NamedTensor } from './clipping.js';
export { clipByGlobalNorm, clipByValue, globalNorm } from './clipping.js';
export type { EpochPlan, NestedArray, PlanArgs, TrainData } from './data.js';
export { epochSeed, planEpochs } from './data.js';
export type { TrainingErrorCode } from './errors.js';
export { DivergenceError, TrainingError } from './errors.js';
export type { FitArgs, History } from './fit.js';
export { fit } from './fit.js';
export { AdamWOptimizer, FusedAdamOptimizer } from './fused-adam.js';
export type { LossFn, LossName } from './losses.js';
export {
  binaryCrossentropy,
  DEFAULT_HUBER_DELTA,
  huber,
  LOSSES,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from './losses.js';
export type { MetricName, Metrics } from './metrics.js';
export { createMetrics, DEFAULT_TOP_K, higherIsBetter, METRIC_NAMES } from './metrics.js';
export type { OptimizerConfig, OptimizerType } from './optimizers.js';
export {
  createOptimizer,
  DEFAULT_LEARNING_RATE,
  DEFAULT_WEIGHT_DECAY,
  getLearningRate,
  OPTIMIZER_TYPES,
  setLearningRate,
} from './optimizers.js';
export type { Schedule, ScheduleConfig, ScheduleState } from './schedules.js';
export { createSchedule } from './schedules.js';
export type {
  CallbackResult,
  CheckpointArgs,
  EarlyStoppingArgs,
  Progress,
  StopReason,
  TrainCallbacks,
  TrainHistory,
  TrainOptions,
  ValidationResult,
} from './train.js';
export { evaluateData, train } from './train.js';
export type { Batch, NamedValues, Trainer, TrainerArgs, TrainerState } from './trainer.js';
export { createTrainer } from './trainer.js';
