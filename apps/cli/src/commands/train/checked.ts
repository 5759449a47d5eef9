/**
 * The command line of `rnnkit train`, checked before any work starts (no tfjs here, so a mistake
 * is reported at once): the task, the options (options.ts), the run to resume (resume.ts), and
 * that `--out` can be written. Read by the main thread (index.ts) and again by the training
 * thread (train-here.ts).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { TASK_NAMES, TASK_TABLE, type TaskName, taskNamed } from '@rnnkit/tasks/table';
import { CliError } from '../../errors.js';
import { stringFlag } from '../../util/flags.js';
import { FORECAST_KEYS, TEXT_KEYS, type TrainSettings, trainSettings } from './options.js';
import { checkpointDirOf, readRun, resumedOptions, shown } from './resume.js';

/**
 * The tasks `rnnkit train` runs, by their names on the command line (the task table's: the
 * kebab-case name, then the older names it still takes).
 */
export const TRAIN_TASKS: readonly string[] = TASK_NAMES.flatMap((key) => [
  TASK_TABLE[key].name,
  ...TASK_TABLE[key].aliases,
]);

/** Exit code of a run stopped by a signal: 128 + its number (130 for SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;
export const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;

/** The task a command-line name stands for. */
export function checkTask(name: string): TaskName {
  const task = taskNamed(name);
  if (task === undefined || !TRAIN_TASKS.includes(name)) {
    throw new CliError(
      `unknown task ${JSON.stringify(name)}: the tasks are ${TASK_NAMES.map((k) => TASK_TABLE[k].name).join(', ')} (see rnnkit train --help)`,
      2,
    );
  }
  return task;
}

/**
 * A forecasting option given to another task is a usage error, not silently ignored; `name` is
 * the task as the command line gave it.
 */
function ownTaskOnly(task: TaskName, name: string, settings: TrainSettings): void {
  for (const [owner, keys, command] of [
    ['forecasting', FORECAST_KEYS, 'forecast'],
    ['textGeneration', TEXT_KEYS, 'text'],
  ] as const) {
    if (task === owner) continue;
    const given = keys.find((k) => settings.given[k] !== undefined);
    if (given !== undefined) {
      const flag = given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      throw new CliError(`--${flag} is an option of rnnkit train ${command}, not of ${name}`, 2);
    }
  }
}

/** What a checked command line runs. */
export interface CheckedTrain {
  task: TaskName;
  /** The task's name as given on the command line (what hints to run again repeat). */
  given: string;
  settings: TrainSettings;
  /** The model folder, and the run's checkpoint folder beside it. */
  out: string;
  checkpoint: string;
  /** The folder the run reads its relative paths from (the first run's, when resuming). */
  cwd: string;
  /** Continuing the run recorded in `checkpoint`. */
  resume: boolean;
}

/** Checks the command line; a mistake is a usage error before any work starts. */
export async function checked(
  taskName: string,
  flags: Record<string, unknown>,
  cwd: string,
): Promise<CheckedTrain> {
  const task = checkTask(taskName);
  const given = taskName;
  if (flags['resume'] !== undefined) {
    const resumeFlag = stringFlag('resume', flags['resume'])!;
    const { dir, record } = await readRun(resolve(cwd, resumeFlag));
    const options = resumedOptions(record, taskName, flags, resumeFlag);
    const settings = await trainSettings(options, record.cwd);
    const out = resolve(record.cwd, settings.out);
    return { task, given, settings, out, checkpoint: dir, cwd: record.cwd, resume: true };
  }
  const settings = await trainSettings(flags, cwd);
  ownTaskOnly(task, given, settings);
  const out = resolve(cwd, settings.out);
  const checkpoint = checkpointDirOf(out);
  if (!flags['force']) {
    if (existsSync(checkpoint)) {
      throw new CliError(
        `${checkpoint} holds the checkpoint of an interrupted run: continue it with rnnkit train ${given} --resume ${shown(checkpoint, cwd)}, or --force to start over`,
        2,
      );
    }
    if (existsSync(out)) {
      throw new CliError(
        `the output folder ${out} exists: give another --out, or --force to overwrite it`,
        2,
      );
    }
  }
  await checkWritable(out);
  return { task, given, settings, out, checkpoint, cwd, resume: false };
}

/**
 * Checks that folders can be made beside `out` (its nearest existing ancestor takes a new folder),
 * by making one and removing it: permissions alone do not tell (root may write a mode-555 folder
 * but not /proc, a read-only mount refuses everyone). Non-recursive calls only: they fail at once.
 */
export async function checkWritable(out: string): Promise<void> {
  let dir = dirname(out);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const fail = (why: string) =>
    new CliError(
      `cannot write the model folder ${out}: ${why}; give --out a folder you can write`,
      2,
    );
  if (!(await stat(dir)).isDirectory()) throw fail(`${dir} is a file, not a folder`);
  let probe: string;
  try {
    probe = await mkdtemp(join(dir, '.rnnkit-write-test-'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw fail(`${dir} does not take new folders (${code})`);
  }
  await rm(probe, { recursive: true, force: true });
}
