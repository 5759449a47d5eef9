/**
 * The table of tasks (transformers.js's `pipeline` over a task table), and `loadTask`, which reads
 * an artifact's `rnnkit.json` and restores the task that saved it.
 *
 * @example
 * ```ts
 * import { pipeline } from '@rnnkit/tasks';
 * pipeline('forecast' as never);
 * // TaskError UNKNOWN_TASK: unknown task "forecast": expected one of textGeneration, ...
 * ```
 */
import { type ArtifactOptions, load } from '@rnnkit/models';
import {
  CLASSIFICATION,
  type Classifier,
  classification,
  restoreClassification,
} from './classification.js';
import {
  CONDITIONAL_GENERATION,
  type ConditionalGenerator,
  conditionalGeneration,
  restoreConditionalGeneration,
} from './conditional-generation.js';
import { TaskError } from './errors.js';
import {
  FORECASTING,
  type Forecaster,
  forecasting,
  restoreForecasting,
} from './forecasting/index.js';
import { restoreSeq2seq, SEQ2SEQ, type Seq2SeqTask, seq2seq } from './seq2seq-task.js';
import {
  restoreTextGeneration,
  TEXT_GENERATION,
  type TextGenerator,
  textGeneration,
} from './text-generation.js';

/** Every task, by the name `pipeline` takes. */
export const TASKS = {
  textGeneration,
  classification,
  forecasting,
  conditionalGeneration,
  seq2seq,
} as const;

export type TaskName = keyof typeof TASKS;
export const TASK_NAMES = Object.keys(TASKS) as TaskName[];

/** The task of a name: `pipeline('classification').train(data, options, hooks)`. */
export function pipeline<N extends TaskName>(name: N): (typeof TASKS)[N] {
  const task = (TASKS as Record<string, unknown>)[name];
  if (task === undefined) {
    throw new TaskError(
      'UNKNOWN_TASK',
      `unknown task ${JSON.stringify(name)}: expected one of ${TASK_NAMES.join(', ')}`,
    );
  }
  return task as (typeof TASKS)[N];
}

/** The task names written into rnnkit.json. */
export const ARTIFACT_TASKS = [
  TEXT_GENERATION,
  CLASSIFICATION,
  FORECASTING,
  CONDITIONAL_GENERATION,
  SEQ2SEQ,
] as const;

/** Any restored task. */
export type LoadedTask =
  | TextGenerator
  | Classifier
  | Forecaster
  | ConditionalGenerator
  | Seq2SeqTask;

/** Loads an artifact written by a task's `save(dir)` and restores that task. */
export async function loadTask(dir: string, options: ArtifactOptions = {}): Promise<LoadedTask> {
  const loaded = await load(dir, options);
  try {
    switch (loaded.meta.task) {
      case TEXT_GENERATION:
        return restoreTextGeneration(loaded);
      case CLASSIFICATION:
        return restoreClassification(loaded);
      case FORECASTING:
        return restoreForecasting(loaded);
      case CONDITIONAL_GENERATION:
        return restoreConditionalGeneration(loaded);
      case SEQ2SEQ:
        return restoreSeq2seq(loaded);
      default:
        throw new TaskError(
          'BAD_ARTIFACT',
          `${dir} holds a model of task ${JSON.stringify(loaded.meta.task)}, which @rnnkit/tasks does not know: expected one of ${ARTIFACT_TASKS.join(', ')}`,
        );
    }
  } catch (e) {
    loaded.model.dispose();
    throw e;
  }
}
