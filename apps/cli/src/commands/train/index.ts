/**
 * `rnnkit train <task>`: reads the data, trains the task of `@rnnkit/tasks` with the defaults it
 * picks from the data size (flags and `--config` override them), shows progress, evaluates on the
 * held-out share, and saves the model, its loss curves (loss.svg: train, and validation where the
 * task validates) and a terminal chart of the loss. Ctrl-C stops after the current step, saves the
 * model so far and a checkpoint in `<out>.checkpoint`, and prints the `--resume` command that
 * continues the run to the same result (resume.ts).
 *
 * @example
 * ```sh
 * rnnkit train text --data book.txt --epochs 2 --out out/lm
 * # text: cell lstm, units 64, seqLength 32, epochs 2 (set) (defaults for 12 kB of text)
 * # epoch 1/2  train loss 3.1021
 * # saved out/lm (rnnkit.json, model.json, weights.bin, loss.svg)
 * rnnkit train classify --data reviews.jsonl --out out/c   # Ctrl-C during epoch 3
 * # interrupted at step 41: the model so far is saved in out/c; continue with: rnnkit train classify --resume out/c.checkpoint
 * ```
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { TASK_NAMES, TASK_TABLE, type TaskName, taskNamed } from '@rnnkit/tasks/table';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { stringFlag } from '../../util/flags.js';
import { FORECAST_KEYS, type TrainSettings, trainSettings } from './options.js';
import { checkpointDirOf, readRun, resumedOptions, shown } from './resume.js';

/**
 * The tasks `rnnkit train` runs, by their names on the command line (the task table's: the
 * kebab-case name, then the older names it still takes).
 */
export const TRAIN_TASKS: readonly string[] = TASK_NAMES.flatMap((key) => [
  TASK_TABLE[key].name,
  ...TASK_TABLE[key].aliases,
]);

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;

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
function forecastOnly(task: TaskName, name: string, settings: TrainSettings): void {
  if (task === 'forecasting') return;
  const given = FORECAST_KEYS.find((k) => settings.given[k] !== undefined);
  if (given !== undefined) {
    const flag = given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new CliError(`--${flag} is an option of rnnkit train forecast, not of ${name}`, 2);
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
  forecastOnly(task, given, settings);
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
  return { task, given, settings, out, checkpoint, cwd, resume: false };
}

/**
 * Runs the training in a worker thread, so that Ctrl-C reaches this thread while a step runs (the
 * training loop never yields to the event loop between steps): the first Ctrl-C asks the worker
 * to stop after its current step, a second one ends it at once.
 */
export async function train(
  taskName: string,
  flags: Record<string, unknown>,
  io: Io,
): Promise<void> {
  await checked(taskName, flags, io.cwd);
  const { runWorker } = await import('./worker-host.js');
  await runWorker({ taskName, flags, cwd: io.cwd, isTTY: io.isTTY }, io);
}
