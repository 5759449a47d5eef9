/**
 * `TASKS` binds each row of the task table (task-table.ts) to its folder's `train`, `defaults` and
 * `restore`; `pipeline` (transformers.js's, over that table) and `loadTask`, which reads an
 * artifact's `rnnkit.json` and restores the task that saved it, derive from it.
 *
 * @example
 * ```ts
 * import { pipeline } from '@rnnkit/tasks';
 * pipeline('forecast' as never); // the CLI's older name: the forecasting task
 * pipeline('translation' as never);
 * // TaskError UNKNOWN_TASK: unknown task "translation": expected one of textGeneration, ...
 * ```
 */
import { type ArtifactOptions, type LoadedModel, load } from '@rnnkit/models';
import { classification, restoreClassification } from './classification/index.js';
import {
  conditionalGeneration,
  restoreConditionalGeneration,
} from './conditional-generation/index.js';
import { TaskError } from './errors.js';
import { forecasting, restoreForecasting } from './forecasting/index.js';
import { restoreSeq2seq, seq2seq } from './seq2seq/index.js';
import {
  ARTIFACT_TASKS,
  TASK_NAMES,
  type TASK_TABLE,
  type TaskName,
  taskNamed,
} from './task-table.js';
import { restoreTextGeneration, textGeneration } from './text-generation/index.js';

/** What a task is in code: a row of the table with its training and its restore. */
export interface TaskEntry<FileName extends string = string> {
  /** Its name in files and on the command line (the table's `name`). */
  readonly name: FileName;
  // the task's own signatures (`never` in: each task takes its own data and options)
  readonly train: (data: never, options?: never, hooks?: never) => Promise<unknown>;
  readonly defaults: (size: never, options?: never) => { resolved: unknown; line: string };
  /** The task from an artifact `load`ed from a folder its `save` wrote. */
  readonly restore: (loaded: LoadedModel) => unknown;
}

/** Every task, by the name `pipeline` takes: the table's rows with their code. */
export const TASKS = {
  textGeneration: { ...textGeneration, restore: restoreTextGeneration },
  classification: { ...classification, restore: restoreClassification },
  forecasting: { ...forecasting, restore: restoreForecasting },
  conditionalGeneration: { ...conditionalGeneration, restore: restoreConditionalGeneration },
  seq2seq: { ...seq2seq, restore: restoreSeq2seq },
} as const satisfies { [N in TaskName]: TaskEntry<(typeof TASK_TABLE)[N]['name']> };

export type { TaskName } from './task-table.js';
export { ARTIFACT_TASKS, TASK_NAMES } from './task-table.js';

/** Any restored task. */
export type LoadedTask = ReturnType<(typeof TASKS)[TaskName]['restore']>;

/**
 * The task of a name: `pipeline('classification').train(data, options, hooks)`. The task's name
 * in files (`'conditional-generation'`) and its older names (the table's aliases) work too.
 */
export function pipeline<N extends TaskName>(name: N): (typeof TASKS)[N] {
  const key = typeof name === 'string' ? taskNamed(name) : undefined;
  if (key === undefined) {
    throw new TaskError(
      'UNKNOWN_TASK',
      `unknown task ${JSON.stringify(name)}: expected one of ${TASK_NAMES.join(', ')}`,
    );
  }
  return TASKS[key] as (typeof TASKS)[N];
}

/** Loads an artifact written by a task's `save(dir)` and restores that task. */
export async function loadTask(dir: string, options: ArtifactOptions = {}): Promise<LoadedTask> {
  const loaded = await load(dir, options);
  try {
    const key = taskNamed(loaded.meta.task);
    if (key === undefined) {
      throw new TaskError(
        'BAD_ARTIFACT',
        `${dir} holds a model of task ${JSON.stringify(loaded.meta.task)}, which @rnnkit/tasks does not know: expected one of ${ARTIFACT_TASKS.join(', ')}`,
      );
    }
    return TASKS[key].restore(loaded);
  } catch (e) {
    loaded.model.dispose();
    throw e;
  }
}
