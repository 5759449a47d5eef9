/**
 * `rnnkit import <path> --out <dir>`: turns a model of another framework into an rnnkit model
 * folder, task metadata intact, so `rnnkit generate`, `predict` and `forecast` use it. The
 * format is recognised by the table of formats in `@rnnkit/interop`.
 *
 * @example
 * ```sh
 * rnnkit import out/lm-torch --out out/lm-ddp   # after torchrun ... train.py
 * rnnkit generate out/lm-ddp --prime "The "
 * ```
 */
import { resolve } from 'node:path';
import { save } from '@rnnkit/models';
import { useBackend } from '../../backend.js';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { stringFlag } from '../../util/flags.js';

export async function importModel(
  path: string,
  flags: Record<string, unknown>,
  io: Io,
): Promise<void> {
  const { detectFormat, formatOf } = await import('@rnnkit/interop');
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
      `rnnkit export writes ${format.name}, but rnnkit import does not read it`,
      2,
    );
  }
  const loaded = await format.importFrom(source);
  try {
    const target = resolve(io.cwd, out);
    await save(loaded.model, target, loaded.meta);
    io.err(`imported ${source} (${format.name}) into ${target} (task ${loaded.meta.task})\n`);
  } finally {
    loaded.model.dispose();
  }
}
