/**
 * `rnnkit export <model> --format <f> --out <path>`: a saved model in another framework's format,
 * through the one table of formats in `@rnnkit/interop` (FORMATS). The model is converted (or
 * refused, naming what does not convert) before anything is written, and the output is written
 * whole or not at all. With `--data` (the same data flags as `rnnkit train`), the torch format
 * also writes the training windows and a `train.py` that continues the run with
 * DistributedDataParallel (torch-data.ts).
 *
 * @example
 * ```sh
 * rnnkit export out/lm --format onnx --out lm.onnx
 * rnnkit export out/lm --format onnx --step --out lm-step.onnx
 * # wrote lm-step.onnx (onnx)
 * rnnkit export out/lm --format torch --out out/lm-torch --data book.txt
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

/** The train flags that say where the data is (`--data` and its kin). */
const DATA_FLAGS = ['data', 'dataset', 'column', 'target', 'textField', 'labelField', 'valSplit'];

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
  const withData = DATA_FLAGS.some((k) => flags[k] !== undefined);
  if (withData && name !== 'torch') {
    throw new CliError(`--data is for --format torch (its train.py), not ${name}`, 2);
  }
  const loaded = await loadingModel(resolve(io.cwd, model), load);
  try {
    const data = withData
      ? await (await import('./torch-data.js')).torchTrainingData(loaded, flags, io.cwd)
      : undefined;
    const target = resolve(io.cwd, out);
    const files = await formatOf(name).exportTo(loaded, target, {
      step: flags['step'] === true,
      force: flags['force'] === true,
      ...(data ? { data } : {}),
    });
    io.err(`wrote ${files.join(', ')} (${name}) to ${target}\n`);
    if (data) {
      io.err(
        `train it further: cd ${out} && torchrun --standalone --nproc_per_node=2 train.py --epochs 1\n`,
      );
    }
  } finally {
    loaded.model.dispose();
  }
}
