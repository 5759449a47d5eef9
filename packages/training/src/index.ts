export type { NamedTensor } from './clipping.js';
export { clipByGlobalNorm, clipByValue, globalNorm } from './clipping.js';
export type { TrainingErrorCode } from './errors.js';
export { DivergenceError, TrainingError } from './errors.js';
export type { FitArgs, History } from './fit.js';
export { fit } from './fit.js';
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
export type { OptimizerConfig, OptimizerType } from './optimizers.js';
export {
  AdamWOptimizer,
  createOptimizer,
  DEFAULT_LEARNING_RATE,
  DEFAULT_WEIGHT_DECAY,
  getLearningRate,
  OPTIMIZER_TYPES,
  setLearningRate,
} from './optimizers.js';
export type { Schedule, ScheduleConfig, ScheduleState } from './schedules.js';
export { createSchedule } from './schedules.js';
export type { Batch, NamedValues, Trainer, TrainerArgs, TrainerState } from './trainer.js';
export { createTrainer } from './trainer.js';
