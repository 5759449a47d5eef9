/**
 * The training itself, run in the worker thread (worker.ts): reads the data, trains the task,
 * evaluates, saves the model, the loss SVG and the terminal chart. Kept apart from index.ts so
 * that usage errors are found without loading tfjs.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskHooks } from '@rnnkit/tasks';
import { setup } from '@rnnkit/training';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { lineChart } from '../../plot/svg.js';
import { terminalChart } from '../../plot/terminal-chart.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { trainClassify } from './classify.js';
import { trainForecast } from './forecast.js';
import { checked, EXIT_INTERRUPTED } from './index.js';
import { trainNames } from './names.js';
import { type ReportMode, TrainReport } from './report.js';
import type { TrainedModel } from './run.js';
import { trainSeq2seq } from './seq2seq.js';
import { trainText } from './text.js';

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
        : task === 'seq2seq'
          ? await trainSeq2seq(run)
          : task === 'names'
            ? await trainNames(run)
            : await trainForecast(run);
  try {
    await model.afterTraining?.();
    if (flags['force']) await rm(out, { recursive: true, force: true });
    // tfjs-layers warns on console that the attention decoder's call options are not serialised
    // (the task rebuilds the model from rnnkit.json, so nothing is lost): keep stderr clean
    const warn = console.warn;
    console.warn = () => {};
    try {
      await model.save(out);
    } finally {
      console.warn = warn;
    }
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
