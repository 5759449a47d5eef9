/**
 * The command line of `rnnkit train`, checked before any work starts (no tfjs here, so a mistake
 * is reported at once): the task, the options (options.ts), the run to resume (resume.ts), and
 * that `--out` can be written. Read by the main thread (index.ts) and again by the training
 * thread (train-here.ts).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CliError } from '../../errors.js';
import { stringFlag } from '../../util/flags.js';
import { FORECAST_KEYS, type TrainSettings, trainSettings } from './options.js';
import { checkpointDirOf, readRun, resumedOptions, shown } from './resume.js';

/** The tasks `rnnkit train` runs, by the name on the command line. */
export const TRAIN_TASKS = ['text', 'classify', 'forecast', 'names', 'seq2seq'] as const;
export type TrainTask = (typeof TRAIN_TASKS)[number];

/** Exit code of a run stopped by a signal: 128 + its number (130 for SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;
export const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;

export function checkTask(name: string): TrainTask {
  if (!(TRAIN_TASKS as readonly string[]).includes(name)) {
    throw new CliError(
      `unknown task ${JSON.stringify(name)}: the tasks are ${TRAIN_TASKS.join(', ')} (see rnnkit train --help)`,
      2,
    );
  }
  return name as TrainTask;
}

/** A forecasting option given to another task is a usage error, not silently ignored. */
function forecastOnly(task: TrainTask, settings: TrainSettings): void {
  if (task === 'forecast') return;
  const given = FORECAST_KEYS.find((k) => settings.given[k] !== undefined);
  if (given !== undefined) {
    const flag = given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new CliError(`--${flag} is an option of rnnkit train forecast, not of ${task}`, 2);
  }
}

/** What a checked command line runs. */
export interface CheckedTrain {
  task: TrainTask;
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
  if (flags['resume'] !== undefined) {
    const given = stringFlag('resume', flags['resume'])!;
    const { dir, record } = await readRun(resolve(cwd, given));
    const options = resumedOptions(record, task, flags, given);
    const settings = await trainSettings(options, record.cwd);
    const out = resolve(record.cwd, settings.out);
    return { task, settings, out, checkpoint: dir, cwd: record.cwd, resume: true };
  }
  const settings = await trainSettings(flags, cwd);
  forecastOnly(task, settings);
  const out = resolve(cwd, settings.out);
  const checkpoint = checkpointDirOf(out);
  if (!flags['force']) {
    if (existsSync(checkpoint)) {
      throw new CliError(
        `${checkpoint} holds the checkpoint of an interrupted run: continue it with rnnkit train ${task} --resume ${shown(checkpoint, cwd)}, or --force to start over`,
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
  return { task, settings, out, checkpoint, cwd, resume: false };
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
