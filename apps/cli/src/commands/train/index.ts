/**
 * `rnnkit train <task>`: reads the data, trains the task of `@rnnkit/tasks` with the defaults it
 * picks from the data size (flags and `--config` override them), shows progress, evaluates on the
 * held-out share, and saves the model, its loss curve (loss.svg) and a terminal chart of the loss.
 *
 * @example
 * ```sh
 * rnnkit train text --data book.txt --epochs 2 --out out/lm
 * # text: cell lstm, units 64, seqLength 32, epochs 2 (set) (defaults for 12 kB of text)
 * # epoch 1/2  train loss 3.1021
 * # saved out/lm (rnnkit.json, model.json, weights.bin, loss.svg)
 * ```
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { trainSettings } from './options.js';

/** The tasks `rnnkit train` runs, by the name on the command line. */
export const TRAIN_TASKS = ['text', 'classify', 'forecast', 'names', 'seq2seq'] as const;
export type TrainTask = (typeof TRAIN_TASKS)[number];

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;

export function checkTask(name: string): TrainTask {
  if (!(TRAIN_TASKS as readonly string[]).includes(name)) {
    throw new CliError(
      `unknown task ${JSON.stringify(name)}: the tasks are ${TRAIN_TASKS.join(', ')} (see rnnkit train --help)`,
      2,
    );
  }
  return name as TrainTask;
}

/** Checks the command line; a mistake is a usage error before any work starts. */
export async function checked(taskName: string, flags: Record<string, unknown>, cwd: string) {
  const task = checkTask(taskName);
  const settings = await trainSettings(flags, cwd);
  const out = resolve(cwd, settings.out);
  if (existsSync(out) && !flags['force']) {
    throw new CliError(
      `the output folder ${out} exists: give another --out, or --force to overwrite it`,
      2,
    );
  }
  return { task, settings, out };
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
