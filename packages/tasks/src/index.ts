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
export {
  CLASSIFY_DEFAULTS,
  CLASSIFY_INPUTS,
  CLASSIFY_LARGE_EXAMPLES,
  CLASSIFY_MEDIUM_EXAMPLES,
  type ClassificationOptions,
  type ClassificationResolved,
  type Classifier,
  classification,
  DEFAULT_DIMS,
  DEFAULT_MAX_VOCAB,
  DEFAULT_PATIENCE,
  DEFAULT_VALIDATION_SHARE,
  type LabelledExample,
  MAX_DEFAULT_SEQ_LENGTH,
  type Prediction,
  SEQ_LENGTH_QUANTILE,
  TOKENIZERS,
} from './classification/index.js';
export {
  type CommonTaskOptions,
  DEFAULT_CLIP_NORM,
  DEFAULT_DROPOUT,
  DEFAULT_LAYERS,
  DEFAULT_LEARNING_RATE,
  DEFAULT_PROGRESS_EVERY,
  DEFAULT_SEED,
  type SavableTask,
  type TaskCheckpoint,
  type TaskEvent,
  type TaskHooks,
  type TaskSaveOptions,
} from './common.js';
export {
  CONDITIONAL_DEFAULTS,
  CONDITIONAL_LARGE_EXAMPLES,
  CONDITIONAL_MEDIUM_EXAMPLES,
  type ConditionalExample,
  type ConditionalGenerationOptions,
  type ConditionalGenerationResolved,
  type ConditionalGenerator,
  conditionalGeneration,
  DEFAULT_MAX_PER_CONDITION,
  DEFAULT_MAX_TEXT_LENGTH,
  type GenerateSequenceArgs,
} from './conditional-generation/index.js';
export { editDistance } from './edit-distance.js';
export { TaskError, type TaskErrorCode } from './errors.js';
export {
  type Band,
  DEFAULT_FORECAST_PATIENCE,
  DEFAULT_FORECAST_VALIDATION_SHARE,
  DEFAULT_HORIZON,
  DEFAULT_QUANTILES,
  DEFAULT_RANGE_MARGIN,
  DEFAULT_SAMPLES,
  FORECAST_DEFAULTS,
  FORECAST_LARGE_STEPS,
  FORECAST_MEDIUM_STEPS,
  type ForecastArgs,
  type ForecastErrors,
  type Forecaster,
  type ForecastingOptions,
  type ForecastingResolved,
  forecasting,
  gaussianNll,
  INTERVALS,
  type IntervalsKind,
  type ManySeries,
  NORMALIZE,
  normalQuantile,
  pinballLoss,
  SEASONAL_WINDOW_MIN_WINDOWS,
  type SeriesArgs,
  type SeriesData,
  TRANSFORMS,
  type TrainedSeries,
  WINDOW_SEASONS,
} from './forecasting/index.js';
export {
  DEFAULT_MAX_SEQUENCE_LENGTH,
  DEFAULT_SEQ2SEQ_ATTENTION,
  type DecodeArgs,
  SEQ2SEQ_DEFAULTS,
  SEQ2SEQ_LARGE_EXAMPLES,
  SEQ2SEQ_MEDIUM_EXAMPLES,
  type Seq2SeqExample,
  type Seq2SeqMetrics,
  type Seq2SeqOptions,
  type Seq2SeqPrediction,
  type Seq2SeqResolved,
  type Seq2SeqTask,
  type Sequence,
  seq2seq,
} from './seq2seq/index.js';
export {
  ARTIFACT_TASKS,
  TASK_NAMES,
  TASK_TABLE,
  type TaskFileName,
  type TaskName,
  type TaskRow,
  taskNamed,
} from './task-table.js';
export { type LoadedTask, loadTask, pipeline, TASKS, type TaskEntry } from './tasks.js';
export {
  type CharMetrics,
  DEFAULT_GENERATE_LENGTH,
  DEFAULT_TEMPERATURE,
  type GenerateTextArgs,
  TEXT_DEFAULTS,
  TEXT_LARGE_CHARS,
  TEXT_MEDIUM_CHARS,
  TEXT_UNITS,
  type TextGenerationOptions,
  type TextGenerationResolved,
  type TextGenerator,
  type TextMetrics,
  type TextUnit,
  textGeneration,
  WORD_DEFAULTS,
  WORD_LARGE_WORDS,
  WORD_MEDIUM_WORDS,
  type WordMetrics,
} from './text-generation/index.js';
