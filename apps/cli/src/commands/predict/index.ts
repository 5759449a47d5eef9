/**
 * `rnnkit predict <model> [inputs...]`: a classifier's label and probability for each text (from
 * the arguments, `--file` one per line, or stdin), a seq2seq model's output for each source, or a
 * forecaster's next `horizon` values.
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
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Classifier, Forecaster, Seq2SeqTask } from '@rnnkit/tasks';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { stringFlag } from '../../util/flags.js';
import { formatValue } from '../../util/format.js';
import { loadModelFolder } from '../../util/load-task.js';
import { writeAttentionMap } from './attention-map.js';

/** Inputs from the arguments, else the file, else stdin: one per non-empty line. */
async function inputsOf(args: string[], file: unknown, cwd: string): Promise<string[]> {
  if (args.length > 0) return args;
  let text: string;
  if (file !== undefined) {
    const path = resolve(cwd, String(file));
    text = await readFile(path, 'utf8').catch(() => {
      throw new CliError(`cannot read ${path}: check the path`, 1);
    });
  } else if (process.stdin.isTTY) {
    throw new CliError('no inputs: give texts as arguments, --file <file>, or pipe them in', 2);
  } else {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  }
  return text.split('\n').filter((l) => l.trim() !== '');
}

export async function predict(
  model: string,
  args: string[],
  flags: Record<string, unknown>,
  io: Io,
): Promise<void> {
  const task = await loadModelFolder(model, io.cwd);
  try {
    if (task.task === 'forecasting') {
      const values = (task as Forecaster).forecast((task as Forecaster).options.horizon);
      if (flags['json']) io.out(JSON.stringify({ forecast: Array.from(values) }));
      else for (const v of values) io.out(formatValue(v));
      return;
    }
    if (task.task === 'seq2seq') {
      const s = task as Seq2SeqTask;
      const sources = await inputsOf(args, flags['file'], io.cwd);
      s.predict(sources).forEach((p, i) => {
        if (flags['json']) io.out(JSON.stringify({ source: sources[i], output: p.text }));
        else io.out(`${sources[i]}\t${p.text}`);
      });
      const map = stringFlag('attention-map', flags['attentionMap']);
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
    const texts = await inputsOf(args, flags['file'], io.cwd);
    const predictions = c.predict(texts);
    predictions.forEach((p, i) => {
      const probability = Math.max(...p.probabilities);
      if (flags['json']) {
        io.out(JSON.stringify({ text: texts[i], label: p.label, probability }));
      } else io.out(`${p.label}  ${probability.toFixed(4)}  ${texts[i]}`);
    });
  } finally {
    task.dispose();
  }
}
