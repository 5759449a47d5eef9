/**
 * The table of tasks: every task once, by its name in code (the key, camelCase), its name in
 * files and on the command line (`name`, kebab-case: rnnkit.json's `task`, `rnnkit train <name>`)
 * and the older names still accepted (`aliases`). Everything that lists tasks derives from it:
 * `TASKS`, `pipeline` and `loadTask` (tasks.ts, which binds each row to its folder's `train`,
 * `defaults` and `restore`), `ARTIFACT_TASKS`, and the CLI's task names and aliases. This module
 * imports nothing, so the CLI reads it (`@rnnkit/tasks/table`) without loading tfjs.
 *
 * @example
 * ```ts
 * import { TASK_TABLE, taskNamed } from '@rnnkit/tasks/table';
 * TASK_TABLE.conditionalGeneration.name; // 'conditional-generation'
 * taskNamed('names'); // 'conditionalGeneration' (the CLI's older name)
 * ```
 */

/** One row of the table. */
export interface TaskRow {
  /** The name in files (rnnkit.json's `task`) and on the command line: kebab-case. */
  readonly name: string;
  /** Older names that still mean this task: on the command line, in artifacts, in `pipeline`. */
  readonly aliases: readonly string[];
  /** What the task learns, in a few words (`rnnkit train --help`). */
  readonly summary: string;
}

/** Every task, in the order help texts list them. */
export const TASK_TABLE = {
  textGeneration: {
    name: 'text-generation',
    aliases: ['text'],
    summary: 'a character language model that generates text',
  },
  classification: {
    name: 'classification',
    aliases: ['classify'],
    summary: 'a label per text',
  },
  forecasting: {
    name: 'forecasting',
    aliases: ['forecast'],
    summary: 'the next values of a series',
  },
  conditionalGeneration: {
    name: 'conditional-generation',
    aliases: ['names'],
    summary: 'texts given a condition (names given a language)',
  },
  seq2seq: {
    name: 'seq2seq',
    aliases: [],
    summary: 'a sequence from a sequence (spelling to phonemes)',
  },
} as const satisfies Record<string, TaskRow>;

/** A task's name in code: `pipeline('textGeneration')`. */
export type TaskName = keyof typeof TASK_TABLE;
/** A task's name in files and on the command line: `'text-generation'`. */
export type TaskFileName = (typeof TASK_TABLE)[TaskName]['name'];

/** Every task's name in code, in table order. */
export const TASK_NAMES = Object.keys(TASK_TABLE) as TaskName[];

/** The task names written into rnnkit.json, in table order. */
export const ARTIFACT_TASKS: readonly TaskFileName[] = TASK_NAMES.map((n) => TASK_TABLE[n].name);

/**
 * The task a name stands for, whichever of its names it is (in code, in files, or an alias);
 * `undefined` for a name no task has.
 */
export function taskNamed(name: string): TaskName | undefined {
  for (const key of TASK_NAMES) {
    const row: TaskRow = TASK_TABLE[key];
    if (name === key || name === row.name || row.aliases.includes(name)) return key;
  }
  return undefined;
}
