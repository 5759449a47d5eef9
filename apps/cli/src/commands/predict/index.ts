/**
 * `rnnkit predict <model> [inputs...]`: a classifier's label and probability for each text (from
 * the arguments, `--file` one per line (`-` for standard input), or standard input when it is piped
 * and nothing else is given), a seq2seq model's output for each source, or a forecaster's next
 * `horizon` values. Files and standard input are read as `@rnnkit/datasets` reads text: UTF-8 only
 * (a bad byte is an error with its offset), a BOM dropped, CRLF line ends taken as LF.
 *
 * @example
 * ```sh
 * rnnkit predict out/sentiment "a lovely film" "dull and long"
 * # pos  0.9132  a lovely film
 * # neg  0.8710  dull and long
 * rnnkit predict out/g2p cat --attention-map att.svg
 * # cat	K AE1 T      (and att.svg: output tokens by input characters)
 * ```
 */
import { resolve } from 'node:path';
import type { Classifier, Forecaster, Seq2SeqTask } from '@rnnkit/tasks';
import type { BackendChoice } from '../../backend.js';
import { CliError } from '../../errors.js';
import { type Io, STDIN } from '../../io.js';
import { formatValue } from '../../util/format.js';
import { loadModelFolder } from '../../util/load-task.js';
import { readDataText } from '../train/input.js';
import { writeAttentionMap } from './attention-map.js';

/** The flags of `rnnkit predict`, checked by their parsers (cli.ts). */
export interface PredictFlags {
  file?: string;
  json?: boolean;
  attentionMap?: string;
  backend?: BackendChoice;
}

/**
 * Inputs from the arguments, else the file (`-`: standard input), else piped standard input:
 * one per non-empty line.
 */
async function inputsOf(args: string[], file: string | undefined, io: Io): Promise<string[]> {
  if (args.length > 0) {
    if (file !== undefined) {
      throw new CliError('give texts as arguments or --file <file>, not both', 2);
    }
    return args;
  }
  if (file === undefined && io.stdinIsTTY) {
    throw new CliError(
      'no inputs: give texts as arguments, --file <file> (- for stdin), or pipe them in',
      2,
    );
  }
  const { text } = await readDataText(file ?? STDIN, io);
  return text.split('\n').filter((l) => l.trim() !== '');
}

export async function predict(
  model: string,
  args: string[],
  flags: PredictFlags,
  io: Io,
): Promise<void> {
  const { task, backend } = await loadModelFolder(model, io, flags.backend);
  const say = () => io.err(`${backend.line}\n`);
  try {
    if (task.task === 'forecasting') {
      say();
      const values = (task as Forecaster).forecast((task as Forecaster).options.horizon);
      if (flags.json) io.out(JSON.stringify({ forecast: Array.from(values) }));
      else for (const v of values) io.out(formatValue(v));
      return;
    }
    if (task.task === 'seq2seq') {
      const s = task as Seq2SeqTask;
      const sources = await inputsOf(args, flags.file, io);
      say();
      s.predict(sources).forEach((p, i) => {
        if (flags.json) io.out(JSON.stringify({ source: sources[i], output: p.text }));
        else io.out(`${sources[i]}\t${p.text}`);
      });
      const map = flags.attentionMap;
      if (map !== undefined && sources[0] !== undefined) {
        const path = resolve(io.cwd, map);
        await writeAttentionMap(s, sources[0], path);
        io.err(`wrote ${path} (attention for ${JSON.stringify(sources[0])})\n`);
      }
      return;
    }
    if (task.task !== 'classification') {
      throw new CliError(
        `predict reads classification, forecasting and seq2seq models; ${model} holds a ${task.task} model${task.task === 'text-generation' ? ': use rnnkit generate' : ''}`,
        2,
      );
    }
    const c = task as Classifier;
    const texts = await inputsOf(args, flags.file, io);
    say();
    const predictions = c.predict(texts);
    predictions.forEach((p, i) => {
      const probability = Math.max(...p.probabilities);
      if (flags.json) {
        io.out(JSON.stringify({ text: texts[i], label: p.label, probability }));
      } else io.out(`${p.label}  ${probability.toFixed(4)}  ${texts[i]}`);
    });
  } finally {
    task.dispose();
  }
}
