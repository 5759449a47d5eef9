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
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { intFlag, stringFlag } from '../../util/flags.js';
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

export async function evaluate(
  model: string,
  flags: Record<string, unknown>,
  io: Io,
): Promise<void> {
  const source: InputSource = {
    data: stringFlag('data', flags['data']),
    dataset: undefined,
    column: stringFlag('column', flags['column']),
    target: stringFlag('target', flags['target']),
    textField: stringFlag('text-field', flags['textField']),
    labelField: stringFlag('label-field', flags['labelField']),
  };
  if (source.data === undefined) {
    throw new CliError('eval needs held-out data: give --data <file>', 2);
  }
  const steps = intFlag('steps', flags['steps'], 1);
  const task = await loadModelFolder(model, io.cwd);
  try {
    let metrics: Record<string, number>;
    if (task.task === 'text-generation') {
      const { text } = await readTextInput(source, io.cwd);
      metrics = (task as TextGenerator).evaluate(text);
    } else if (task.task === 'classification') {
      const { examples } = await readLabelledInput(source, io.cwd);
      metrics = (task as Classifier).evaluate(examples);
    } else if (task.task === 'forecasting') {
      const { values, covariates } = await readSeriesInput(source, io.cwd);
      metrics = (task as Forecaster).evaluate(
        covariates.length ? { values, covariates } : values,
        steps === undefined ? {} : { steps },
      );
    } else if (task.task === 'seq2seq') {
      const { pairs } = await readPairsInput(source, io.cwd);
      metrics = { ...(task as Seq2SeqTask).evaluate(pairs) };
    } else {
      throw new CliError(`eval does not read ${task.task} models yet`, 2);
    }
    if (flags['json']) io.out(JSON.stringify(metrics));
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
