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

export async function train(
  taskName: string,
  flags: Record<string, unknown>,
  io: Io,
): Promise<void> {
  const task = checkTask(taskName);
  const settings = await trainSettings(flags, io.cwd);
  const out = resolve(io.cwd, settings.out);
  if (existsSync(out) && !flags['force']) {
    throw new CliError(
      `the output folder ${out} exists: give another --out, or --force to overwrite it`,
      2,
    );
  }
  const mode: ReportMode = flags['json'] ? 'json' : flags['quiet'] ? 'quiet' : 'human';
  const report = new TrainReport(io, mode);
  await setup({ backend: settings.backend });
  const { signal, stop } = interruptible();
  let model: TrainedModel;
  try {
    const run = { settings, report, cwd: io.cwd, hooks: hooksOf(signal, report) };
    model =
      task === 'text'
        ? await trainText(run)
        : task === 'classify'
          ? await trainClassify(run)
          : await trainForecast(run);
  } finally {
    stop();
  }
  try {
    await model.afterTraining?.();
    if (flags['force']) await rm(out, { recursive: true, force: true });
    await model.save(out);
  } finally {
    model.dispose();
  }
  await finish(out, report, signal.aborted);
}

/** The task hooks: the Ctrl-C signal, every step as an event, the task's own log muted. */
function hooksOf(signal: AbortSignal, report: TrainReport): TaskHooks {
  return { signal, logger: () => {}, onEvent: (e) => report.onEvent(e) };
}

/** Stops training after the current step on Ctrl-C; `stop()` removes the handler. */
function interruptible(): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, stop: () => process.off('SIGINT', onSigint) };
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
      `interrupted: the model trained so far is saved in ${out} (it cannot be resumed yet: train again to continue from scratch)`,
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
