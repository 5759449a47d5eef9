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
import { textGeneration } from '@rnnkit/tasks';
import { setup } from '@rnnkit/training';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { lineChart } from '../../plot/svg.js';
import { terminalChart } from '../../plot/terminal-chart.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { readTextInput } from './input.js';
import { type TrainSettings, trainSettings } from './options.js';
import { type ReportMode, TrainReport } from './report.js';

/** The tasks `rnnkit train` runs, by the name on the command line. */
export const TRAIN_TASKS = ['text'] as const;
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
  if (task === 'text') await trainText(settings, out, report, io, Boolean(flags['force']));
}

/** Stops training after the current step on Ctrl-C; `stop()` removes the handler. */
function interruptible(): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, stop: () => process.off('SIGINT', onSigint) };
}

async function trainText(
  settings: TrainSettings,
  out: string,
  report: TrainReport,
  io: Io,
  force: boolean,
): Promise<void> {
  const input = await readTextInput(settings, io.cwd);
  // validation: the last share of the text (the model never reads it while training)
  const cut = Math.round(input.text.length * (1 - settings.valSplit));
  const heldOut = input.text.length - cut >= 2 ? input.text.slice(cut) : '';
  const trainText = heldOut ? input.text.slice(0, cut) : input.text;
  report.note(
    `data: ${input.source}, ${trainText.length} chars for training, ${heldOut.length} held out (val-split ${settings.valSplit}); backend ${settings.backend}; out ${out}`,
    {
      type: 'data',
      source: input.source,
      trainChars: trainText.length,
      heldOutChars: heldOut.length,
      valSplit: settings.valSplit,
      backend: settings.backend,
      out,
    },
  );
  report.setEpochs(textGeneration.defaults(trainText.length, settings.model).resolved.epochs);
  const { signal, stop } = interruptible();
  let lm: Awaited<ReturnType<typeof textGeneration.train>>;
  try {
    lm = await textGeneration.train(
      trainText,
      { ...settings.model, progressEvery: 1 },
      { signal, logger: () => {}, onEvent: (e) => report.onEvent(e) },
    );
  } finally {
    stop();
  }
  try {
    if (heldOut) {
      const m = lm.evaluate(heldOut);
      report.note(`validation: ${m.bitsPerChar.toFixed(4)} bits per char on ${m.chars} chars`, {
        type: 'validation',
        metrics: m,
      });
    }
    if (force) await rm(out, { recursive: true, force: true });
    await lm.save(out);
  } finally {
    lm.dispose();
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
