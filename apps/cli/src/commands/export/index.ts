/**
 * `rnnkit export <model> --format <f> --out <path>`: writes a saved model in another framework's
 * format, by the table of formats in `@rnnkit/interop` (the only list of them). The model is
 * converted (or refused, naming what does not convert) before anything is written. With `--data`
 * (the same data flags as `rnnkit train`), the torch format also writes the training windows and a
 * `train.py` that continues the run with DistributedDataParallel; `--step` makes onnx write the
 * one-step model.
 *
 * @example
 * ```sh
 * rnnkit export out/lm --format torch --out out/lm-torch --data book.txt
 * # wrote out/lm-torch: model.py, weights.safetensors, ..., train.py, README.md
 * rnnkit export out/lm --format onnx --step --out lm-step.onnx
 * rnnkit export out/lm --format keras --out lm.keras
 * ```
 */
import { resolve } from 'node:path';
import { load } from '@rnnkit/models';
import { useBackend } from '../../backend.js';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { stringFlag } from '../../util/flags.js';
import { loadingModel } from '../../util/load-task.js';

/** The train flags that say where the data is (`--data` and its kin). */
const DATA_FLAGS = ['data', 'dataset', 'column', 'target', 'textField', 'labelField', 'valSplit'];

export async function exportModel(
  model: string,
  flags: Record<string, unknown>,
  io: Io,
): Promise<void> {
  const { FORMATS } = await import('@rnnkit/interop');
  const name = stringFlag('format', flags['format']);
  const format = FORMATS.find((f) => f.name === name);
  if (format === undefined) {
    throw new CliError(
      `${name === undefined ? 'give --format <name>' : `unknown --format ${JSON.stringify(name)}`}: the formats are ${FORMATS.map((f) => f.name).join(', ')}`,
      2,
    );
  }
  const out = stringFlag('out', flags['out']);
  if (out === undefined) {
    throw new CliError(
      `give --out <path> for the ${format.name} files (${format.writes}); the formats are ${FORMATS.map((f) => f.name).join(', ')}`,
      2,
    );
  }
  await useBackend('cpu');
  const loaded = await loadingModel(resolve(io.cwd, model), load);
  try {
    const withData = DATA_FLAGS.some((k) => flags[k] !== undefined);
    if (withData && format.name !== 'torch') {
      throw new CliError(`--data is for --format torch (its train.py), not ${format.name}`, 2);
    }
    const data = withData
      ? await (await import('./torch-data.js')).torchTrainingData(loaded, flags, io)
      : undefined;
    const target = resolve(io.cwd, out);
    const written = await format.exportTo(loaded, target, {
      ...(data ? { data } : {}),
      step: flags['step'] === true,
      force: flags['force'] === true,
    });
    io.err(`wrote ${written.join(', ')} (${format.name}) to ${target}\n`);
    if (data) {
      io.err(
        `train it further: cd ${out} && torchrun --standalone --nproc_per_node=2 train.py --epochs 1\n`,
      );
    }
  } finally {
    loaded.model.dispose();
  }
}
