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
 * ```
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ImportOptions } from '@rnnkit/interop';
import { type ArtifactMeta, save } from '@rnnkit/models';
import { charTokenizer, VOCAB_FORMAT_VERSION, Vocab } from '@rnnkit/vocab';
import { useBackend } from '../../backend.js';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { stringFlag } from '../../util/flags.js';

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
  const loaded = await format.importFrom(source, await importOptions(flags, io.cwd));
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
 * A vocab from `--vocab`: an rnnkit vocab (`vocab.toJSON()`), or a JSON list of characters in id
 * order (a Keras char model's `chars`: id i is chars[i]), which becomes a char vocab without
 * specials so the ids stay Keras's.
 */
export function vocabFromJson(doc: unknown, file: string): ArtifactMeta['vocab'] {
  const json = Array.isArray(doc)
    ? {
        format: 'rnnkit-vocab',
        formatVersion: VOCAB_FORMAT_VERSION,
        tokenizer: charTokenizer().toJSON?.(),
        specials: [],
        oov: 'throw',
        tokens: doc,
      }
    : doc;
  if (Array.isArray(doc) && !doc.every((t) => typeof t === 'string' && [...t].length === 1)) {
    throw new CliError(
      `--vocab ${file}: a list must hold single characters in id order (a char model's vocab); for words give an rnnkit vocab (vocab.toJSON())`,
      2,
    );
  }
  try {
    return Vocab.fromJSON(json).toJSON();
  } catch (e) {
    throw new CliError(`--vocab ${file}: ${(e as Error).message}`, 2);
  }
}

/** --config, --task, --vocab, --scaler as the formats take them. */
async function importOptions(flags: Record<string, unknown>, cwd: string): Promise<ImportOptions> {
  const config = stringFlag('config', flags['config']);
  const task = stringFlag('task', flags['task']);
  const vocab = stringFlag('vocab', flags['vocab']);
  const scaler = stringFlag('scaler', flags['scaler']);
  return {
    ...(config !== undefined ? { config: resolve(cwd, config) } : {}),
    ...(task !== undefined ? { task } : {}),
    ...(vocab !== undefined
      ? { vocab: vocabFromJson(await readJson('vocab', vocab, cwd), vocab) }
      : {}),
    ...(scaler !== undefined
      ? { scaler: (await readJson('scaler', scaler, cwd)) as ArtifactMeta['scaler'] }
      : {}),
  };
}
