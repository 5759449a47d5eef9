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
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TaskHooks } from '@rnnkit/tasks';
import { setup } from '@rnnkit/training';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { lineChart } from '../../plot/svg.js';
import { terminalChart } from '../../plot/terminal-chart.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { trainClassify } from './classify.js';
import { trainForecast } from './forecast.js';
import { trainSettings } from './options.js';
import { type ReportMode, TrainReport } from './report.js';
import type { TrainedModel } from './run.js';
import { trainText } from './text.js';

/** The tasks `rnnkit train` runs, by the name on the command line. */
export const TRAIN_TASKS = ['text', 'classify', 'forecast'] as const;
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
async function checked(taskName: string, flags: Record<string, unknown>, cwd: string) {
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

/** The training itself (in the worker); `stopRequested` is polled after every step. */
export async function trainHere(
  taskName: string,
  flags: Record<string, unknown>,
  io: Io,
  stopRequested: () => boolean,
): Promise<void> {
  const { task, settings, out } = await checked(taskName, flags, io.cwd);
  const mode: ReportMode = flags['json'] ? 'json' : flags['quiet'] ? 'quiet' : 'human';
  const report = new TrainReport(io, mode);
  await setup({ backend: settings.backend });
  const controller = new AbortController();
  const signal = controller.signal;
  const hooks: TaskHooks = {
    signal,
    logger: () => {},
    onEvent: (e) => {
      report.onEvent(e);
      if (stopRequested() && !signal.aborted) controller.abort();
    },
  };
  const run = { settings, report, cwd: io.cwd, hooks };
  const model: TrainedModel =
    task === 'text'
      ? await trainText(run)
      : task === 'classify'
        ? await trainClassify(run)
        : await trainForecast(run);
  try {
    await model.afterTraining?.();
    if (flags['force']) await rm(out, { recursive: true, force: true });
    await model.save(out);
  } finally {
    model.dispose();
  }
  await finish(out, report, signal.aborted);
}

/** The loss pictures and the result line; an interrupted run exits 130. */
async function finish(out: string, report: TrainReport, aborted: boolean): Promise<void> {
  const train = report.epochLoss.map((v, i) => [i + 1, v] as const);
  const svg = lineChart({
    title: 'loss',
    xLabel: 'epoch',
    yLabel: 'loss',
    series: [
      { name: 'train', color: '#1f77b4', points: train },
      ...(report.validationLoss.length
        ? [{ name: 'validation', color: '#ff7f0e', points: report.validationLoss }]
        : []),
    ],
  });
  const svgPath = join(out, 'loss.svg');
  await writeFileAtomic(svgPath, svg);
  const chart = terminalChart(report.stepLoss, { width: 60, height: 6 });
  if (chart.length > 0) {
    report.people(['train loss by step', ...chart].join('\n'));
  }
  if (aborted) {
    report.note(
      `interrupted: the model trained so far is saved in ${out}; --resume is not available yet, so train again to continue`,
      { type: 'interrupted', out },
    );
    throw new CliError('interrupted (Ctrl-C)', EXIT_INTERRUPTED);
  }
  report.result(`saved ${out} (rnnkit.json, model.json, weights.bin, loss.svg)`, {
    type: 'saved',
    out,
    lossSvg: svgPath,
  });
}
