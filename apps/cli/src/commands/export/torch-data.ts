/**
 * The training windows of `rnnkit export --format torch --data ...`: the same data flags as
 * `rnnkit train`, read the same way and cut into the same windows the rnnkit run trained on, with
 * the run's loss, learning rate, schedule and clipping (its rnnkit.json training config).
 */
import type { TorchTrainingData } from '@rnnkit/interop';
import type { LoadedModel } from '@rnnkit/models';
import { classification, type ForecastingResolved, forecasting } from '@rnnkit/tasks';
import { nextTokenWindows } from '@rnnkit/windowing';
import { CliError } from '../../errors.js';
import { numberFlag } from '../../util/flags.js';
import { type DataIo, readLabelledInput, readSeriesInput, readTextInput } from '../train/input.js';
import { DEFAULT_VAL_SPLIT, trainSettings } from '../train/options.js';

type Config = Record<string, unknown>;

function runConfig(loaded: LoadedModel): TorchTrainingData['config'] {
  const c = (loaded.meta.training?.config ?? {}) as Config;
  const num = (k: string, fallback: number) =>
    typeof c[k] === 'number' ? (c[k] as number) : fallback;
  return {
    epochs: num('epochs', 1),
    batchSize: num('batchSize', 32),
    learningRate: num('learningRate', 0.001),
    clipNorm: typeof c['clipNorm'] === 'number' ? (c['clipNorm'] as number) : null,
    // text runs record their schedule; classify and forecast runs train at a constant rate
    schedule: c['schedule'] === 'cosine' ? 'cosine' : 'constant',
    seed: num('seed', 0),
  };
}

/** The command line a user would type again, for the README. */
function commandOf(flags: Record<string, unknown>): string {
  const shown = Object.entries(flags)
    .filter(([k, v]) => v !== undefined && v !== false && k !== '_' && k !== '--' && k.length > 1)
    .map(
      ([k, v]) =>
        `--${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}${v === true ? '' : ` ${JSON.stringify(String(v))}`}`,
    );
  return `rnnkit export <model> ${shown.join(' ')}`;
}

export async function torchTrainingData(
  loaded: LoadedModel,
  flags: Record<string, unknown>,
  io: DataIo,
): Promise<TorchTrainingData> {
  const settings = await trainSettings(flags, io.cwd);
  const valSplit = numberFlag('val-split', flags['valSplit'], 0, 0.9) ?? DEFAULT_VAL_SPLIT;
  const config = runConfig(loaded);
  const task = loaded.meta.task;
  if (task === 'text-generation') {
    const vocab = loaded.vocab;
    const seqLength = (loaded.meta.training?.config as Config | undefined)?.['seqLength'];
    if (!vocab || typeof seqLength !== 'number') {
      throw new CliError(
        'this text model has no vocab or seqLength in rnnkit.json: save it again',
        1,
      );
    }
    const input = await readTextInput(settings, io);
    // the share rnnkit train trained on: the text before the held-out tail
    const cut = Math.round(input.text.length * (1 - valSplit));
    const text = input.text.length - cut >= 2 ? input.text.slice(0, cut) : input.text;
    const ids = vocab.encode(text);
    const L = Math.min(seqLength, ids.length - 1);
    const w = nextTokenWindows(ids, { seqLength: L, stride: L, lastWindow: 'pad' });
    const all = w.batch(Int32Array.from({ length: w.length }, (_, i) => i));
    return {
      loss: 'sequence',
      inputs: [{ shape: [w.length, L], values: Int32Array.from(all.x) }],
      targets: { shape: [w.length, L], values: Int32Array.from(all.y) },
      mask: { shape: [w.length, L], values: Float32Array.from(all.mask) },
      config,
      command: commandOf(flags),
      source: `${input.source}: ${text.length} characters for training (val-split ${valSplit}), ${w.length} windows of ${L}`,
    };
  }
  const saved = (loaded.meta.training?.config ?? {}) as Config;
  if (task === 'classification') {
    const labels = saved['labels'] as (string | number)[] | undefined;
    if (!loaded.vocab || !labels || typeof saved['seqLength'] !== 'number') {
      throw new CliError(
        'this classifier has no vocab, labels or seqLength in rnnkit.json: save it again',
        1,
      );
    }
    const input = await readLabelledInput(settings, io);
    const share = (saved['validationShare'] as number | undefined) ?? valSplit;
    const { train } = classification.split(input.examples, share, config.seed);
    const b = loaded.vocab.encodeBatch(
      train.map((e) => e.text),
      { length: saved['seqLength'] as number },
    );
    const y = train.map((e) => {
      const i = labels.indexOf(e.label);
      if (i < 0)
        throw new CliError(
          `label ${JSON.stringify(e.label)} is not one the model was trained on (${labels.join(', ')})`,
          1,
        );
      return i;
    });
    return {
      loss: 'classes',
      inputs: [{ shape: [...b.shape], values: Int32Array.from(b.ids) }],
      targets: { shape: [y.length], values: Int32Array.from(y) },
      config,
      command: commandOf(flags),
      source: `${input.source}: ${train.length} examples for training (validation share ${share})`,
    };
  }
  if (task === 'forecasting') {
    const input = await readSeriesInput(settings, io);
    const { train, val } = forecasting.windows(
      Array.from(input.values),
      input.covariates.map((c) => Array.from(c)),
      saved as unknown as ForecastingResolved,
    );
    try {
      return {
        loss: 'regression',
        inputs: [{ shape: [...train.x.shape], values: Float32Array.from(train.x.dataSync()) }],
        targets: { shape: [...train.y.shape], values: Float32Array.from(train.y.dataSync()) },
        config,
        command: commandOf(flags),
        source: `${input.source}: ${train.x.shape[0]} windows of ${train.x.shape[1]} steps, scaled as the model reads them`,
      };
    } finally {
      train.x.dispose();
      train.y.dispose();
      if (val) {
        val.x.dispose();
        val.y.dispose();
      }
    }
  }
  throw new CliError(
    `--data for a ${task} model is not supported yet: export without --data (model.py and the weights), or export a text-generation, classification or forecasting model`,
    2,
  );
}
