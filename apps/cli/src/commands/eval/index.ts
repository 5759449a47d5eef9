/**
 * `rnnkit eval <model> --data <file>`: the task's metrics on held-out data: bits per character
 * (text), accuracy (classify), RMSE of the `--steps`-ahead forecasts (forecast). For a forecaster
 * it says which values it scores: those after the training series when the data holds its end
 * (the values before are history only); data that overlaps the training range is refused
 * (`--allow-overlap` scores it in-sample, with a warning); other data is taken as the values that
 * follow the training series.
 *
 * @example
 * ```sh
 * rnnkit eval out/lm --data held-out.txt
 * # bitsPerChar 2.3012  chars 5120
 * ```
 */
import type { Classifier, Forecaster, Seq2SeqTask, TextGenerator } from '@rnnkit/tasks';
import type { BackendChoice } from '../../backend.js';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { loadModelFolder } from '../../util/load-task.js';
import {
  type InputSource,
  readLabelledInput,
  readPairsInput,
  readSeriesInput,
  readTextInput,
  type SeriesInput,
} from '../train/input.js';
import { seriesPart } from './series-part.js';

/** Metrics that count things (printed whole). */
const COUNTS = ['chars', 'examples', 'origins', 'steps', 'from', 'to'];

/** The flags of `rnnkit eval`, checked by their parsers (cli.ts). */
export interface EvalFlags {
  data?: string;
  column?: string;
  target?: string;
  textField?: string;
  labelField?: string;
  dataset?: string;
  steps?: number;
  /** forecast: score data that overlaps the training series. */
  allowOverlap?: boolean;
  json?: boolean;
  backend?: BackendChoice;
}

export async function evaluate(model: string, flags: EvalFlags, io: Io): Promise<void> {
  const source: InputSource = {
    data: flags.data,
    dataset: flags.dataset,
    column: flags.column,
    target: flags.target,
    textField: flags.textField,
    labelField: flags.labelField,
  };
  if (source.data === undefined && source.dataset === undefined) {
    throw new CliError(
      'eval needs held-out data: give --data <file> (- for stdin) or --dataset <name>',
      2,
    );
  }
  if (source.data !== undefined && source.dataset !== undefined) {
    throw new CliError('give --data <file> or --dataset <name>, not both', 2);
  }
  const { steps } = flags;
  const { task, backend } = await loadModelFolder(model, io, flags.backend);
  try {
    let metrics: Record<string, number>;
    if (task.task === 'text-generation') {
      const { text } = await readTextInput(source, io);
      metrics = (task as TextGenerator).evaluate(text);
    } else if (task.task === 'classification') {
      const { examples } = await readLabelledInput(source, io);
      metrics = (task as Classifier).evaluate(examples);
    } else if (task.task === 'forecasting') {
      const input = await readSeriesInput(source, io);
      metrics = evaluateForecaster(task as Forecaster, input, steps, !!flags.allowOverlap, io);
    } else if (task.task === 'seq2seq') {
      const { pairs } = await readPairsInput(source, io);
      metrics = { ...(task as Seq2SeqTask).evaluate(pairs) };
    } else {
      throw new CliError(`eval does not read ${task.task} models yet`, 2);
    }
    io.err(`${backend.line}\n`); // once computed: a mistake in the data stays one line
    if (flags.json) io.out(JSON.stringify(metrics));
    else {
      io.out(
        Object.entries(metrics)
          .map(([k, v]) => `${k} ${COUNTS.includes(k) ? v : v.toFixed(4)}`)
          .join('  '),
      );
    }
  } finally {
    task.dispose();
  }
}

/**
 * A forecaster's rolling-origin errors on the part of `input` that follows its training series
 * (see series-part.ts), saying on stderr which part that is.
 */
function evaluateForecaster(
  f: Forecaster,
  input: SeriesInput,
  steps: number | undefined,
  allowOverlap: boolean,
  io: Io,
): Record<string, number> {
  const { values, covariates } = input;
  const n = values.length;
  const part = seriesPart(values, f.trained);
  const slice = (from: number, to: number) => ({
    values: values.subarray(from, to),
    covariates: covariates.map((c) => c.subarray(from, to)),
  });
  const args = steps === undefined ? {} : { steps };
  let from: number;
  let result: ReturnType<Forecaster['evaluate']>;
  if (part.kind === 'after') {
    from = part.from;
    io.err(
      `scoring values ${from + 1}..${n} of ${input.source} (${n - from} values after the training series; values 1..${from} end with it and serve as history only)\n`,
    );
    result = f.evaluate(slice(from, n), { ...args, history: slice(0, from) });
  } else if (part.kind === 'overlap') {
    if (!allowOverlap) {
      throw new CliError(
        `${input.source} overlaps the model's training series (${part.why}): nothing after training to score; give values that follow the training series (rnnkit train forecast --hold-out n keeps some out), or --allow-overlap for an in-sample score`,
        2,
      );
    }
    from = f.tail.length;
    io.err(
      `warning: scoring values ${from + 1}..${n} of ${input.source} in-sample (${part.why}): the model was trained on them, so this score is flattering\n`,
    );
    result = f.evaluate(slice(from, n), { ...args, history: slice(0, from) });
  } else {
    from = 0;
    io.err(
      `scoring all ${n} values of ${input.source} as the values that follow the training series (each forecast starts from its end)\n`,
    );
    result = f.evaluate(covariates.length ? slice(0, n) : values, args);
  }
  return { ...result, steps: steps ?? f.options.horizon, from: from + 1, to: n };
}
