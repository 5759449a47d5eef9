/**
 * `rnnkit import <path> --out <dir>`: turns a model of another framework into an rnnkit model
 * folder, task metadata intact, so `rnnkit generate`, `predict` and `forecast` use it. The
 * format is recognised by the table of formats in `@rnnkit/interop`.
 *
 * @example
 * ```sh
 * rnnkit import out/lm-torch --out out/lm-ddp   # after torchrun ... train.py
 * rnnkit generate out/lm-ddp --prime "The "
 * rnnkit import char_lstm.keras --out out/keras-lm --task text-generation --vocab chars.json
 * rnnkit import clf.keras --out out/clf --task classification --vocab vocab.json --labels neg,pos
 * rnnkit predict out/clf "a lovely film"
 * rnnkit import sales.keras --out out/sales --task forecasting --scaler scaler.json --data sales.csv
 * rnnkit forecast out/sales --steps 12
 * ```
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ImportOptions } from '@rnnkit/interop';
import { type ArtifactMeta, save } from '@rnnkit/models';
import { Vocab } from '@rnnkit/vocab';
import { useBackend } from '../../backend.js';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { stringFlag } from '../../util/flags.js';
import { readSeriesInput } from '../train/input.js';

export async function importModel(
  path: string,
  flags: Record<string, unknown>,
  io: Io,
): Promise<void> {
  const { detectFormat, FORMATS, formatOf } = await import('@rnnkit/interop');
  const out = stringFlag('out', flags['out']);
  if (out === undefined) {
    throw new CliError('give --out <dir>: the folder the rnnkit model is saved into', 2);
  }
  await useBackend('cpu');
  const source = resolve(io.cwd, path);
  const given = stringFlag('format', flags['format']);
  const format = given === undefined ? await detectFormat(source) : formatOf(given);
  if (format.importFrom === undefined) {
    throw new CliError(
      `--format ${format.name} is export only: rnnkit imports ${FORMATS.filter((f) => f.importFrom)
        .map((f) => f.name)
        .join(', ')}`,
      2,
    );
  }
  const loaded = await format.importFrom(source, await importOptions(flags, io));
  try {
    const target = resolve(io.cwd, out);
    await save(loaded.model, target, loaded.meta);
    io.err(`imported ${source} (${format.name}) into ${target} (task ${loaded.meta.task})\n`);
  } finally {
    loaded.model.dispose();
  }
}

async function readJson(flag: string, file: string, cwd: string): Promise<unknown> {
  const path = resolve(cwd, file);
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read --${flag} ${path} (${e.code ?? e.message}): check the path`, 2);
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`--${flag} ${path} is not JSON (${(e as Error).message})`, 2);
  }
}

/**
 * A vocab from `--vocab`: an rnnkit vocab (`vocab.toJSON()`), Keras's
 * `TextVectorization.get_vocabulary()` (`['', '[UNK]', ...]`: ids kept, a word vocab), or a JSON
 * list of characters in id order (a Keras char model's `chars`: id i is chars[i]), which becomes a
 * char vocab without specials so the ids stay Keras's.
 */
export async function vocabFromJson(doc: unknown, file: string): Promise<ArtifactMeta['vocab']> {
  const { vocabFromList } = await import('@rnnkit/interop');
  try {
    return Array.isArray(doc) ? vocabFromList(doc) : Vocab.fromJSON(doc).toJSON();
  } catch (e) {
    throw new CliError(`--vocab ${file}: ${(e as Error).message}`, 2);
  }
}

/** `--labels a,b,c`, or a file holding a JSON list of labels. */
async function labelsOf(given: string, cwd: string): Promise<(string | number)[]> {
  if (!given.endsWith('.json')) return given.split(',').map((l) => l.trim());
  const doc = await readJson('labels', given, cwd);
  if (!Array.isArray(doc) || !doc.every((l) => typeof l === 'string' || typeof l === 'number')) {
    throw new CliError(`--labels ${given}: expected a JSON list of labels in output order`, 2);
  }
  return doc as (string | number)[];
}

/** --config, --task and what the task needs (--vocab, --labels; --scaler, --data, ...). */
async function importOptions(flags: Record<string, unknown>, io: Io): Promise<ImportOptions> {
  const cwd = io.cwd;
  const text = (name: string) => stringFlag(name, flags[name]);
  const config = text('config');
  const task = text('task');
  const vocab = text('vocab');
  const scaler = text('scaler');
  const labels = text('labels');
  const data = text('data');
  const transform = text('transform');
  const number = (name: string) => flags[name] as number | undefined;
  return {
    ...(config !== undefined ? { config: resolve(cwd, config) } : {}),
    ...(task !== undefined ? { task } : {}),
    ...(vocab !== undefined
      ? { vocab: await vocabFromJson(await readJson('vocab', vocab, cwd), vocab) }
      : {}),
    ...(labels !== undefined ? { labels: await labelsOf(labels, cwd) } : {}),
    ...(scaler !== undefined
      ? { scaler: (await readJson('scaler', scaler, cwd)) as ImportOptions['scaler'] }
      : {}),
    ...(data !== undefined ? { history: await historyOf(data, text('column'), io) } : {}),
    ...(number('seqLength') !== undefined ? { seqLength: number('seqLength') } : {}),
    ...(number('season') !== undefined ? { season: number('season') } : {}),
    ...(transform !== undefined ? { transform: transform as ImportOptions['transform'] } : {}),
  };
}

/** The series of `--data` (and `--column`), as `rnnkit forecast --data` reads it. */
async function historyOf(data: string, column: string | undefined, io: Io) {
  const s = await readSeriesInput(
    {
      data,
      dataset: undefined,
      column,
      target: undefined,
      textField: undefined,
      labelField: undefined,
    },
    io,
  );
  return { values: s.values, covariates: s.covariates };
}
