/**
 * `@rnnkit/tasks`: one call per job. Each task trains with defaults picked from the data size
 * (every default overridable, the choice logged in one line), evaluates on held-out data, predicts
 * or generates, saves an artifact with its metrics, and `loadTask(dir)` restores it.
 *
 * Inside: task-table.ts lists the tasks and their names, tasks.ts binds them to their code
 * (`TASKS`, `pipeline`, `loadTask`), each task is a folder (`<task>/options.ts`, `train.ts`,
 * `predict.ts`), and common.ts holds what they share (hooks, common options, the training run).
 *
 * @example
 * ```ts
 * import { loadTask, pipeline } from '@rnnkit/tasks';
 * const lm = await pipeline('textGeneration').train(text, { units: 64, epochs: 1 });
 * // text: cell lstm, units 64 (set), seqLength 32, epochs 1 (set) (defaults for 12 kB of text)
 * await lm.save('out/lm');
 * const again = await loadTask('out/lm'); // again.task === 'text-generation'
 * ```
 *
 * @packageDocumentation
 */
export type {
  ClassificationOptions,
  ClassificationResolved,
  Classifier,
  LabelledExample,
  Prediction,
} from './classification/index.js';
export {
  CLASSIFY_DEFAULTS,
  CLASSIFY_INPUTS,
  CLASSIFY_LARGE_EXAMPLES,
  CLASSIFY_MEDIUM_EXAMPLES,
  classification,
  DEFAULT_DIMS,
  DEFAULT_MAX_VOCAB,
  DEFAULT_PATIENCE,
  DEFAULT_VALIDATION_SHARE,
  MAX_DEFAULT_SEQ_LENGTH,
  SEQ_LENGTH_QUANTILE,
  TOKENIZERS,
} from './classification/index.js';
export type {
  CommonTaskOptions,
  SavableTask,
  TaskCheckpoint,
  TaskEvent,
  TaskHooks,
  TaskSaveOptions,
} from './common.js';
export {
  DEFAULT_CLIP_NORM,
  DEFAULT_DROPOUT,
  DEFAULT_LAYERS,
  DEFAULT_LEARNING_RATE,
  DEFAULT_PROGRESS_EVERY,
  DEFAULT_SEED,
} from './common.js';
export type {
  ConditionalExample,
  ConditionalGenerationOptions,
  ConditionalGenerationResolved,
  ConditionalGenerator,
  GenerateSequenceArgs,
} from './conditional-generation/index.js';
export {
  CONDITIONAL_DEFAULTS,
  CONDITIONAL_LARGE_EXAMPLES,
  CONDITIONAL_MEDIUM_EXAMPLES,
  conditionalGeneration,
  DEFAULT_MAX_PER_CONDITION,
  DEFAULT_MAX_TEXT_LENGTH,
} from './conditional-generation/index.js';
export { editDistance } from './edit-distance.js';
export type { TaskErrorCode } from './errors.js';
export { TaskError } from './errors.js';
export type {
  Band,
  ForecastArgs,
  ForecastErrors,
  Forecaster,
  ForecastingOptions,
  ForecastingResolved,
  IntervalsKind,
  ManySeries,
  SeriesArgs,
  SeriesData,
  TrainedSeries,
} from './forecasting/index.js';
export {
  DEFAULT_FORECAST_PATIENCE,
  DEFAULT_FORECAST_VALIDATION_SHARE,
  DEFAULT_HORIZON,
  DEFAULT_QUANTILES,
  DEFAULT_RANGE_MARGIN,
  DEFAULT_SAMPLES,
  FORECAST_DEFAULTS,
  FORECAST_LARGE_STEPS,
  FORECAST_MEDIUM_STEPS,
  forecasting,
  gaussianNll,
  INTERVALS,
  normalQuantile,
  pinballLoss,
  TRANSFORMS,
} from './forecasting/index.js';
export type {
  DecodeArgs,
  Seq2SeqExample,
  Seq2SeqMetrics,
  Seq2SeqOptions,
  Seq2SeqPrediction,
  Seq2SeqResolved,
  Seq2SeqTask,
  Sequence,
} from './seq2seq/index.js';
export {
  DEFAULT_MAX_SEQUENCE_LENGTH,
  DEFAULT_SEQ2SEQ_ATTENTION,
  SEQ2SEQ_DEFAULTS,
  SEQ2SEQ_LARGE_EXAMPLES,
  SEQ2SEQ_MEDIUM_EXAMPLES,
  seq2seq,
} from './seq2seq/index.js';
export type { TaskFileName, TaskName, TaskRow } from './task-table.js';
export { ARTIFACT_TASKS, TASK_NAMES, TASK_TABLE, taskNamed } from './task-table.js';
export type { LoadedTask, TaskEntry } from './tasks.js';
export { loadTask, pipeline, TASKS } from './tasks.js';
export type {
  CharMetrics,
  GenerateTextArgs,
  TextGenerationOptions,
  TextGenerationResolved,
  TextGenerator,
  TextMetrics,
  TextUnit,
  WordMetrics,
} from './text-generation/index.js';
export {
  DEFAULT_GENERATE_LENGTH,
  DEFAULT_TEMPERATURE,
  TEXT_DEFAULTS,
  TEXT_LARGE_CHARS,
  TEXT_MEDIUM_CHARS,
  TEXT_UNITS,
  textGeneration,
  WORD_DEFAULTS,
  WORD_LARGE_WORDS,
  WORD_MEDIUM_WORDS,
} from './text-generation/index.js';
