/**
 * `rnnkit export <model> --format <f> --out <path>`: a saved model in another framework's format,
 * through the one table of formats in `@rnnkit/interop` (FORMATS). The model is converted (or
 * refused, naming what does not convert) before anything is written, and the output is written
 * whole or not at all.
 *
 * @example
 * ```sh
 * rnnkit export out/lm --format onnx --out lm.onnx
 * rnnkit export out/lm --format onnx --step --out lm-step.onnx
 * # wrote lm-step.onnx (onnx)
 * ```
 */
import { resolve } from 'node:path';
import { FORMATS, formatOf } from '@rnnkit/interop';
import { load } from '@rnnkit/models';
import { useBackend } from '../../backend.js';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { stringFlag } from '../../util/flags.js';
import { loadingModel } from '../../util/load-task.js';

/** The --format choices, from the table. */
export const EXPORT_FORMATS = FORMATS.map((f) => f.name);

export async function exportModel(
  model: string,
  flags: Record<string, unknown>,
  io: Io,
): Promise<void> {
  const name = stringFlag('format', flags['format']);
  const known = FORMATS.find((f) => f.name === name);
  if (!known) {
    throw new CliError(
      `${name === undefined ? 'give --format <name>' : `unknown --format ${JSON.stringify(name)}`}: the formats are ${EXPORT_FORMATS.join(', ')}`,
      2,
    );
  }
  const out = stringFlag('out', flags['out']);
  if (out === undefined) throw new CliError('give --out <path>: where to write the export', 2);
  await useBackend('cpu');
  const loaded = await loadingModel(resolve(io.cwd, model), load);
  try {
    const target = resolve(io.cwd, out);
    const files = await formatOf(name).exportTo(loaded, target, {
      step: flags['step'] === true,
      force: flags['force'] === true,
    });
    io.err(`wrote ${files.join(', ')} (${name}) to ${target}\n`);
  } finally {
    loaded.model.dispose();
  }
}
