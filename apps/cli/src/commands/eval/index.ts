/**
 * `rnnkit eval <model> --data <file>`: the task's metrics on held-out data: bits per character
 * (text), accuracy (classify), RMSE of the `--steps`-ahead forecasts (forecast; the values must
 * follow the training series).
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
} from '../train/input.js';

/** Metrics that count things (printed whole). */
const COUNTS = ['chars', 'examples', 'origins'];

/** The flags of `rnnkit eval`, checked by their parsers (cli.ts). */
export interface EvalFlags {
  data?: string;
  column?: string;
  target?: string;
  textField?: string;
  labelField?: string;
  steps?: number;
  json?: boolean;
  backend?: BackendChoice;
}

export async function evaluate(model: string, flags: EvalFlags, io: Io): Promise<void> {
  const source: InputSource = {
    data: flags.data,
    dataset: undefined,
    column: flags.column,
    target: flags.target,
    textField: flags.textField,
    labelField: flags.labelField,
  };
  if (source.data === undefined) {
    throw new CliError('eval needs held-out data: give --data <file> (- for stdin)', 2);
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
      const { values, covariates } = await readSeriesInput(source, io);
      metrics = (task as Forecaster).evaluate(
        covariates.length ? { values, covariates } : values,
        steps === undefined ? {} : { steps },
      );
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
