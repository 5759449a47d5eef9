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
export {
  BACKENDS,
  type BackendChoice,
  type BackendName,
  type SetupArgs,
  type SetupResult,
  setup,
} from './backend.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointFs,
  type CheckpointManifest,
  type LoadedCheckpoint,
  type LoopState,
  loadCheckpoint,
  nodeFs,
  saveCheckpoint,
} from './checkpoint.js';
export { clipByGlobalNorm, clipByValue, globalNorm, type NamedTensor } from './clipping.js';
export {
  type EpochPlan,
  epochSeed,
  type NestedArray,
  type PlanArgs,
  planEpochs,
  type TrainData,
} from './data.js';
export { DivergenceError, TrainingError, type TrainingErrorCode } from './errors.js';
export { type FitArgs, fit, type History } from './fit.js';
export { AdamWOptimizer, FusedAdamOptimizer } from './fused-adam.js';
export {
  binaryCrossentropy,
  DEFAULT_HUBER_DELTA,
  huber,
  LOSSES,
  type LossFn,
  type LossName,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from './losses.js';
export {
  createMetrics,
  DEFAULT_TOP_K,
  higherIsBetter,
  METRIC_NAMES,
  type MetricName,
  type Metrics,
} from './metrics.js';
export {
  createOptimizer,
  DEFAULT_LEARNING_RATE,
  DEFAULT_WEIGHT_DECAY,
  getLearningRate,
  OPTIMIZER_TYPES,
  type OptimizerConfig,
  type OptimizerType,
  setLearningRate,
} from './optimizers.js';
export {
  createSchedule,
  type Schedule,
  type ScheduleConfig,
  type ScheduleState,
} from './schedules.js';
export {
  type CallbackResult,
  type CheckpointArgs,
  type EarlyStoppingArgs,
  evaluateData,
  type Progress,
  type StopReason,
  type TrainCallbacks,
  type TrainHistory,
  type TrainOptions,
  train,
  type ValidationResult,
} from './train.js';
export {
  type Batch,
  createTrainer,
  type NamedValues,
  type Trainer,
  type TrainerArgs,
  type TrainerState,
} from './trainer.js';
