/**
 * Keras 3 in and out: `importKeras` (a `.keras` file, or a `.weights.h5` with its config.json)
 * and `exportKeras` (a `.keras` file that `keras.saving.load_model` opens).
 */
export type { KerasArchive } from './archive.js';
export { readKerasArchive, writeKerasArchive } from './archive.js';
export { exportKeras, KERAS_VERSION, kerasBytes, toKeras } from './export.js';
export type { KerasGraph, KerasLayer, TensorRef } from './graph.js';
export { readKerasConfig, SUPPORTED_LAYERS } from './graph.js';
export type { ImportKerasOptions, KerasSource } from './import.js';
export { importKeras } from './import.js';
export type {
  HistorySpec,
  KerasTask,
  KerasTaskOptions,
  ScalerSpec,
} from './task.js';
export { KERAS_TASKS, vocabFromList } from './task.js';
export type { ImportedModel } from './to-rnnkit.js';
