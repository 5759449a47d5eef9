export { TrainingError } from './errors.js';
export type { FitArgs, History } from './fit.js';
export { fit } from './fit.js';
export type { LossName } from './losses.js';
export { LOSSES, meanSquaredError, sparseCategoricalCrossentropy } from './losses.js';
export type { OptimizerConfig } from './optimizers.js';
export { createOptimizer, DEFAULT_LEARNING_RATE } from './optimizers.js';
export type { Batch, Trainer, TrainerArgs } from './trainer.js';
export { createTrainer } from './trainer.js';
