/**
 * The training itself, run in the worker thread (worker.ts): reads the data, trains the task,
 * evaluates, saves the model, the loss SVG and the terminal chart. Kept apart from index.ts so
 * that usage errors are found without loading tfjs.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { lineChart } from '@rnnkit/demo';
import type { TaskHooks } from '@rnnkit/tasks';
import type { TaskName } from '@rnnkit/tasks/table';
import { useBackend } from '../../backend.js';
import { CliError } from '../../errors.js';
import { type Io, STDIN } from '../../io.js';
import { terminalChart } from '../../plot/terminal-chart.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { checked, EXIT_INTERRUPTED, SIGNAL_NUMBERS } from './checked.js';
import { trainClassify } from './classify.js';
import { trainForecast } from './forecast.js';
import { trainNames } from './names.js';
import { type ReportMode, TrainReport } from './report.js';
import { readRunStdin, shown, writeRun } from './resume.js';
import type { TrainedModel, TrainRun } from './run.js';
import { trainSeq2seq } from './seq2seq.js';
import { trainText } from './text.js';

/** Each task's training from the command line (commands/train/<task>.ts), by the task table's key. */
const TRAINERS: { [N in TaskName]: (run: TrainRun) => Promise<TrainedModel> } = {
  textGeneration: trainText,
  classification: trainClassify,
  forecasting: trainForecast,
  conditionalGeneration: trainNames,
  seq2seq: trainSeq2seq,
};

/**
 * The training itself (in the worker); `stopRequested` is polled after every step: the number of
 * the signal that asked to stop (SIGINT 2, SIGTERM 15), or 0.
 */
export async function trainHere(
  taskName: string,
  flags: Record<string, unknown>,
  io: Io,
  stopRequested: () => number,
): Promise<void> {
  const { task, given, settings, out, checkpoint, cwd, resume } = await checked(
    taskName,
    flags,
    io.cwd,
  );
  const mode: ReportMode = flags['json'] ? 'json' : flags['quiet'] ? 'quiet' : 'human';
  const report = new TrainReport(io, mode);
  if (resume) {
    await noteResume(report, checkpoint, io.cwd);
  } else {
    // a fresh run: an old checkpoint (kept by --force) must not be resumed by accident
    await rm(checkpoint, { recursive: true, force: true });
  }
  // the record first: a run stopped at any point can be resumed (from step 0 if need be); data
  // read from standard input is kept with it, since a resumed run cannot read it again
  const stdin = resume ? () => readRunStdin(checkpoint) : io.stdin;
  await writeRun(
    checkpoint,
    { task: given, cwd, options: settings.given },
    resume || settings.data !== STDIN ? undefined : await io.stdin(),
  );
  const chosen = await useBackend(settings.backend);
  // said once the data is read (the task's first event), so that a data error stays one line
  let backendSaid = false;
  const controller = new AbortController();
  const signal = controller.signal;
  let stopSignal = 0;
  const hooks: TaskHooks = {
    signal,
    logger: () => {},
    onEvent: (e) => {
      if (!backendSaid) {
        backendSaid = true;
        report.note(chosen.line, { type: 'backend', backend: chosen.backend, line: chosen.line });
      }
      report.onEvent(e);
      stopSignal ||= stopRequested();
      if (stopSignal && !signal.aborted) controller.abort();
    },
    checkpoint: {
      dir: checkpoint,
      resume,
      ...(settings.checkpointEvery ? { everySteps: settings.checkpointEvery } : {}),
    },
  };
  const run = { settings: { ...settings, backend: chosen.backend }, report, cwd, stdin, hooks };
  const train = TRAINERS[task];
  let model: TrainedModel;
  try {
    model = await train(run);
  } catch (e) {
    // a fresh run that failed (bad data, a bad option) leaves nothing to resume
    if (!resume) await rm(checkpoint, { recursive: true, force: true });
    throw e;
  }
  try {
    await model.afterTraining?.();
    // the folder is replaced whole (with --force, or the model an interrupted run saved)
    if (flags['force'] || resume) await rm(out, { recursive: true, force: true });
    // tfjs-layers warns on console that the attention decoder's call options are not serialised
    // (the task rebuilds the model from rnnkit.json, so nothing is lost): keep stderr clean
    const warn = console.warn;
    console.warn = () => {};
    try {
      await model.save(out, settings.weights ? { weights: settings.weights } : {});
    } finally {
      console.warn = warn;
    }
  } finally {
    model.dispose();
  }
  const resumeHint = `rnnkit train ${given} --resume ${shown(checkpoint, io.cwd)}`;
  await finish(out, report, report.stopReason === 'aborted' ? resumeHint : undefined, stopSignal);
  await rm(checkpoint, { recursive: true, force: true }); // done: nothing left to resume
}

/** Says where a resumed run starts (the step of `last/`, or the start if none was written). */
async function noteResume(report: TrainReport, checkpoint: string, cwd: string): Promise<void> {
  let step = 0;
  let epoch = 0;
  try {
    const m = JSON.parse(await readFile(join(checkpoint, 'last', 'manifest.json'), 'utf8')) as {
      step: number;
      loop: { epoch: number };
    };
    step = m.step;
    epoch = m.loop.epoch;
  } catch {
    // no checkpoint written yet: the run starts again from step 0
  }
  report.note(`resuming ${shown(checkpoint, cwd)} from step ${step} (epoch ${epoch + 1})`, {
    type: 'resume',
    checkpoint,
    step,
    epoch: epoch + 1,
  });
}

/**
 * The loss pictures and the result line; an interrupted run (`resumeHint` set) says how to
 * continue and exits 130.
 */
async function finish(
  out: string,
  report: TrainReport,
  resumeHint: string | undefined,
  stopSignal: number,
): Promise<void> {
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
  if (resumeHint) {
    report.note(
      `interrupted at step ${report.steps}: the model so far is saved in ${out}; continue with: ${resumeHint}`,
      { type: 'interrupted', out, step: report.steps, resume: resumeHint },
    );
    const term = stopSignal === SIGNAL_NUMBERS.SIGTERM;
    throw new CliError(
      term ? 'interrupted (SIGTERM)' : 'interrupted (Ctrl-C)',
      term ? 128 + SIGNAL_NUMBERS.SIGTERM : EXIT_INTERRUPTED,
    );
  }
  report.result(`saved ${out} (rnnkit.json, model.json, weights.bin, loss.svg)`, {
    type: 'saved',
    out,
    lossSvg: svgPath,
  });
}
