/**
 * An imported Keras model wrapped as an rnnkit task: what the user supplies (the vocab and labels
 * of a classifier, the scaler, window and series of a forecaster) checked against the model's
 * inputs and outputs, and written into its rnnkit.json as the task's own artifacts keep it, so
 * `loadTask` (and `rnnkit predict`, `forecast`, `generate`) restore it like a trained task. Keras
 * heads give probabilities (softmax, or a one-unit sigmoid) where rnnkit's tasks read logits:
 * `logitsHead` turns the head into the logits of the same probabilities.
 *
 * @example
 * ```ts
 * import { importKeras } from '@rnnkit/interop';
 * import { pipeline } from '@rnnkit/tasks';
 * const imported = await importKeras('forecaster.keras', {
 *   task: 'forecasting',
 *   scaler: { mean: 12.5, std: 3.1 },
 *   history: series, // the series the model continues: its tail is kept
 * });
 * pipeline('forecasting').restore(imported).forecast(12); // Keras's recursive forecast
 * ```
 */
import type { ArtifactMeta as FullMeta } from '@rnnkit/models';
import { charTokenizer, Vocab, type VocabJSON, wordTokenizer } from '@rnnkit/vocab';
import type { ScalerJSON } from '@rnnkit/windowing';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InteropError } from '../errors.js';
import type { Json } from './graph.js';

/** The tasks an imported Keras model can be wrapped as (besides the default, 'keras'). */
export const KERAS_TASKS = ['text-generation', 'classification', 'forecasting'] as const;
export type KerasTask = (typeof KERAS_TASKS)[number];

/**
 * How the model's series were scaled, target first then each covariate (a number for one
 * column): z-scores (`mean`, `std`), min-max into `range` (default [0, 1], scikit-learn's
 * `feature_range`), or an rnnkit scaler (`scaler.toJSON()`).
 */
export type ScalerSpec =
  | { mean: number | number[]; std: number | number[] }
  | { min: number | number[]; max: number | number[]; range?: [number, number] }
  | ScalerJSON;

/** A series, or a series with covariates (each as long as the series). */
export type HistorySpec =
  | ArrayLike<number>
  | { values: ArrayLike<number>; covariates?: readonly ArrayLike<number>[] };

/** What a task needs that a Keras file does not hold. */
export interface KerasTaskOptions {
  /** classification, text-generation: the vocab the model's ids come from (`vocab.toJSON()`). */
  vocab?: VocabJSON;
  /** classification: the labels, in the order of the output units. */
  labels?: readonly (string | number)[];
  /** forecasting: how the series were scaled. */
  scaler?: ScalerSpec;
  /** forecasting: the series the model continues (at least seqLength + lag values). */
  history?: HistorySpec;
  /** Steps (forecasting) or tokens (classification) per input window. Default: the model's. */
  seqLength?: number;
  /**
   * forecasting: what the model reads: values ('none', the default), first differences
   * ('difference') or seasonal differences ('seasonal', the default with `season`), scaled.
   */
  transform?: 'none' | 'difference' | 'seasonal';
  /** forecasting: steps per season (seasonal differences). */
  season?: number;
  /** forecasting: forecasts stay in the seen range widened by this share of it. Default 0.25. */
  rangeMargin?: number;
}

/** The fields of rnnkit.json a task adds. */
type ArtifactMeta = Omit<FullMeta, 'topology'>;

const bad = (message: string) => new InteropError('BAD_OPTION', message);

const SOFTMAX_HEAD = 'softmax';

/**
 * Turns the head of a built topology into logits: a softmax Dense or Activation becomes linear
 * (softmax of the result: the same probabilities), a one-unit sigmoid Dense two units [0, z]
 * (softmax [0, z] = [1 - sigmoid(z), sigmoid(z)]). Linear heads stay; others are refused.
 */
export function logitsHead(
  layers: Json[],
  weights: { name: string; shape: number[]; values: Float32Array }[],
  output: string,
  file: string,
): void {
  const layer = layers.find((l) => l['name'] === output);
  const config = layer?.['config'] as Json | undefined;
  const cls = String(layer?.['class_name']);
  const act = String(config?.['activation'] ?? 'linear');
  if (!layer || !config || !['Dense', 'Activation'].includes(cls)) {
    throw bad(
      `${file}: the output layer '${output}' is a ${cls}: a task reads a Dense (or Activation) head of logits, softmax or a one-unit sigmoid`,
    );
  }
  if (act === 'linear') return;
  if (act === SOFTMAX_HEAD) {
    config['activation'] = 'linear';
    return;
  }
  if (act === 'sigmoid' && cls === 'Dense' && config['units'] === 1) {
    config['units'] = 2;
    config['activation'] = 'linear';
    for (const w of weights) {
      if (w.name === `${output}/kernel` || w.name === `${output}/bias`) {
        const rows = w.shape.length === 2 ? w.shape[0]! : 1;
        const widened = new Float32Array(rows * 2);
        for (let r = 0; r < rows; r++) widened[r * 2 + 1] = w.values[r]!;
        w.values = widened;
        w.shape = w.shape.length === 2 ? [rows, 2] : [2];
      }
    }
    return;
  }
  throw bad(
    `${file}: the output layer '${output}' (${cls}) has activation ${act}: a task reads logits (linear), softmax, or a one-unit sigmoid (binary); wrap the model with --task keras to keep its outputs as they are`,
  );
}

/**
 * A vocab from a JSON list of tokens in id order: Keras `TextVectorization.get_vocabulary()`
 * (`['', '[UNK]', words...]`: id 0 padding, 1 unknown; split into words, or characters with
 * `split: 'character'`) becomes an rnnkit vocab with `<pad>` and `<unk>` at those ids; a list of
 * single characters without them (a char model's `chars`) a char vocab without specials.
 */
export function vocabFromList(
  tokens: readonly unknown[],
  split: 'word' | 'character' = 'word',
): VocabJSON {
  if (!tokens.every((t) => typeof t === 'string')) {
    throw bad('a vocab list must hold strings, the tokens in id order');
  }
  const list = tokens as string[];
  const keras = list[0] === '' && list[1] === '[UNK]';
  if (!keras && !list.every((t) => [...t].length === 1)) {
    throw bad(
      "a vocab list is either Keras TextVectorization.get_vocabulary() (['', '[UNK]', ...]) or single characters in id order (a char model's vocab); for other words give an rnnkit vocab (vocab.toJSON())",
    );
  }
  const tokenizer = split === 'character' || !keras ? charTokenizer() : wordTokenizer();
  const json = {
    format: 'rnnkit-vocab',
    formatVersion: 1,
    tokenizer: tokenizer.toJSON?.(),
    specials: keras ? ['<pad>', '<unk>'] : [],
    oov: keras ? 'unk' : 'throw',
    tokens: keras ? ['<pad>', '<unk>', ...list.slice(2)] : list,
  };
  try {
    return Vocab.fromJSON(json).toJSON();
  } catch (e) {
    throw bad(`the vocab list cannot be read: ${(e as Error).message}`);
  }
}

/** Per-column numbers of a scaler field, as many as the model's features. */
function columns(v: unknown, what: string, F: number): number[] {
  const xs = typeof v === 'number' ? [v] : Array.isArray(v) ? v : [];
  if (xs.length !== F || !xs.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw bad(
      `scaler ${what} is ${JSON.stringify(v)}: expected ${F === 1 ? 'a number' : `${F} numbers (target first, then each covariate)`}, one per input feature of the model`,
    );
  }
  return xs as number[];
}

/** The scaler as z = (v - mean) / std per column, and as an rnnkit scaler (JSON). */
export function scalerOf(
  spec: ScalerSpec | undefined,
  F: number,
): { mean: number[]; std: number[]; json: ScalerJSON; range: [number, number] | null } {
  const s = (spec ?? {}) as Record<string, unknown>;
  let offset: number[];
  let scale: number[];
  let range: [number, number] = [0, 1];
  let kind: ScalerJSON['kind'];
  if ('mean' in s && 'std' in s) {
    kind = 'standard';
    offset = columns(s['mean'], 'mean', F);
    scale = columns(s['std'], 'std', F);
  } else if ('min' in s && 'max' in s) {
    kind = 'minmax';
    offset = columns(s['min'], 'min', F);
    const max = columns(s['max'], 'max', F);
    scale = max.map((m, i) => m - offset[i]!);
    range = (s['range'] as [number, number] | undefined) ?? [0, 1];
  } else if (
    'offset' in s &&
    'scale' in s &&
    (s['kind'] === 'standard' || s['kind'] === 'minmax')
  ) {
    kind = s['kind'];
    offset = columns(s['offset'], 'offset', F);
    scale = columns(s['scale'], 'scale', F);
    range = (s['range'] as [number, number] | undefined) ?? [0, 1];
  } else {
    throw bad(
      `a forecasting model needs the scaler its series were scaled with: { mean, std }, { min, max } (optionally range: [lo, hi]) or an rnnkit scaler's JSON; got ${JSON.stringify(spec)?.slice(0, 80)}`,
    );
  }
  if (!Array.isArray(range) || !(range[1]! > range[0]!)) {
    throw bad(`scaler range is ${JSON.stringify(range)}: expected [lo, hi] with lo < hi`);
  }
  if (!scale.every((x) => x > 0)) {
    throw bad(`scaler ${kind === 'minmax' ? 'max - min' : 'std'} must be > 0, got ${scale}`);
  }
  // (v - offset) / scale * (hi - lo) + lo = (v - mean) / std
  const span = range[1] - range[0];
  const std = scale.map((x) => x / span);
  const mean = offset.map((o, i) => o - range[0] * std[i]!);
  const json: ScalerJSON = { kind, offset, scale, ...(kind === 'minmax' ? { range } : {}) };
  return {
    mean,
    std,
    json,
    range: kind === 'minmax' ? [offset[0]!, offset[0]! + scale[0]!] : null,
  };
}

/** The model's one input and one output, with their shapes. */
function io(model: tfl.LayersModel, file: string, task: string) {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw bad(
      `${file} has ${model.inputs.length} inputs and ${model.outputs.length} outputs: a ${task} model has one of each`,
    );
  }
  return { input: model.inputs[0]!, output: model.outputs[0]! };
}

function seqLengthOf(given: number | undefined, modelT: number | null, file: string): number {
  if (given !== undefined && (!Number.isInteger(given) || given < 1)) {
    throw bad(`seqLength is ${given}: expected a positive integer`);
  }
  if (given !== undefined && modelT !== null && given !== modelT) {
    throw bad(
      `seqLength ${given} given, but ${file} reads windows of ${modelT} steps: leave seqLength out or give ${modelT}`,
    );
  }
  const T = given ?? modelT;
  if (T == null) {
    throw bad(
      `${file} reads windows of any length: give the window it was trained on (seqLength, --seq-length)`,
    );
  }
  return T;
}

/** The series history: values and covariates, finite, as many covariates as the model reads. */
function historyOf(h: HistorySpec | undefined, covariates: number, need: number) {
  if (h === undefined) {
    throw bad(
      `a forecasting model keeps the end of the series it continues: give its history (at least ${need} values; --data series.csv)`,
    );
  }
  const d = 'values' in (h as object) && !('length' in (h as object)) ? h : { values: h };
  const { values, covariates: covs = [] } = d as {
    values: ArrayLike<number>;
    covariates?: readonly ArrayLike<number>[];
  };
  const v = Array.from(values, Number);
  const c = covs.map((x) => Array.from(x, Number));
  if (!v.every(Number.isFinite) || !c.every((x) => x.every(Number.isFinite))) {
    throw bad('the history holds a value that is not a finite number: fill the gaps first');
  }
  if (v.length < need) {
    throw bad(`the history has ${v.length} values, expected at least ${need}`);
  }
  if (c.length !== covariates || c.some((x) => x.length !== v.length)) {
    throw bad(
      `the history has ${c.length} covariate(s) of ${c.map((x) => x.length).join(', ') || 0} values: the model reads ${covariates}, each as long as the series (${v.length})`,
    );
  }
  return { values: v, covariates: c };
}

function forecastingMeta(model: tfl.LayersModel, o: KerasTaskOptions, file: string): ArtifactMeta {
  const { input, output } = io(model, file, 'forecasting');
  if (input.shape.length !== 3 || input.dtype !== 'float32' || output.shape.length !== 2) {
    throw bad(
      `${file} reads [${input.shape}] (${input.dtype}) and gives [${output.shape}]: a forecasting model reads windows [batch, steps, features] of floats and gives [batch, horizon]`,
    );
  }
  const F = input.shape[2] as number;
  const seqLength = seqLengthOf(o.seqLength, input.shape[1] ?? null, file);
  const season = o.season ?? null;
  if (season !== null && (!Number.isInteger(season) || season < 2)) {
    throw bad(`season is ${season}: expected an integer >= 2 (12 for monthly data)`);
  }
  const transform = o.transform ?? (season === null ? 'none' : 'seasonal');
  if (!['none', 'difference', 'seasonal'].includes(transform)) {
    throw bad(`transform is ${transform}: expected none, difference or seasonal`);
  }
  if (transform === 'seasonal' && season === null) {
    throw bad('transform seasonal needs the season (steps per cycle, e.g. 12)');
  }
  const rangeMargin = o.rangeMargin ?? 0.25;
  if (!(rangeMargin >= 0)) throw bad(`rangeMargin is ${rangeMargin}: expected a number >= 0`);
  const lag = transform === 'difference' ? 1 : transform === 'seasonal' ? season! : 0;
  const scaler = scalerOf(o.scaler, F);
  const h = historyOf(o.history, F - 1, seqLength + lag);
  const keep = seqLength + lag;
  const seen = [...h.values, ...(scaler.range ?? [])];
  return {
    task: 'forecasting',
    scaler: scaler.json,
    training: {
      config: {
        seqLength,
        horizon: output.shape[1] as number,
        transform,
        season,
        rangeMargin,
        intervals: 'none',
        seriesEmbedding: false,
        series: {
          mean: scaler.mean,
          std: scaler.std,
          tail: h.values.slice(-keep),
          covariateTails: h.covariates.map((c) => c.slice(-keep)),
          head: h.values.slice(0, keep),
          steps: h.values.length,
          min: Math.min(...seen),
          max: Math.max(...seen),
        },
      },
      metrics: {},
    },
  };
}

function classificationMeta(
  model: tfl.LayersModel,
  o: KerasTaskOptions,
  file: string,
): ArtifactMeta {
  const { input, output } = io(model, file, 'classification');
  if (input.shape.length !== 2 || input.dtype !== 'int32' || output.shape.length !== 2) {
    throw bad(
      `${file} reads [${input.shape}] (${input.dtype}) and gives [${output.shape}]: a classifier reads token ids [batch, steps] (int32) and gives [batch, classes]`,
    );
  }
  if (o.vocab === undefined) {
    throw bad(
      'a classifier needs the vocab its token ids come from: give vocab (--vocab vocab.json: TextVectorization.get_vocabulary(), or an rnnkit vocab)',
    );
  }
  const classes = output.shape[1] as number;
  const labels = o.labels ?? [];
  if (labels.length !== classes || new Set(labels).size !== labels.length) {
    throw bad(
      `${labels.length} distinct labels given, but ${file} gives ${classes} class${classes === 1 ? '' : 'es'}${classes === 2 ? ' (a one-unit sigmoid head: [negative, positive])' : ''}: give one label per class, in output order (--labels neg,pos)`,
    );
  }
  const vocab = Vocab.fromJSON(o.vocab);
  // the Embedding reading the ids (the model's one input) reads ids below its input_dim
  const first = model.layers.find((l) => l.getClassName() === 'Embedding');
  const inputDim = (first?.getConfig() as { inputDim?: number } | undefined)?.inputDim;
  if (inputDim !== undefined && vocab.size > inputDim) {
    throw bad(
      `the vocab has ${vocab.size} tokens, but ${file} reads ids below ${inputDim}: give the vocab the model was trained with`,
    );
  }
  const seqLength = seqLengthOf(o.seqLength, input.shape[1] ?? null, file);
  const tokenizer = o.vocab.tokenizer.type === 'char' ? 'char' : 'word';
  return {
    task: 'classification',
    vocab: o.vocab,
    training: { config: { seqLength, tokenizer, labels: [...labels] }, metrics: {} },
  };
}

/** Whether a task's head reads logits (and a softmax or sigmoid head is turned into them). */
export function readsLogits(task: string | undefined): boolean {
  return task === 'classification' || task === 'text-generation';
}

/**
 * The rnnkit.json fields of the task the model is wrapped as ('keras', the default: none), from
 * what the user supplied, checked against the model's input and output.
 */
export function taskMeta(
  model: tfl.LayersModel,
  task: string,
  o: KerasTaskOptions,
  file: string,
): ArtifactMeta {
  if (task === 'forecasting') return forecastingMeta(model, o, file);
  if (task === 'classification') return classificationMeta(model, o, file);
  if (task === 'text-generation') {
    if (o.vocab === undefined) {
      throw bad('a text-generation model needs its vocab: give vocab (--vocab chars.json)');
    }
    const classes = model.outputs[0]?.shape.at(-1);
    const size = Vocab.fromJSON(o.vocab).size;
    if (typeof classes === 'number' && classes < size) {
      throw bad(
        `the vocab has ${size} tokens, but ${file} scores ${classes}: give the vocab the model was trained with`,
      );
    }
    return { task, vocab: o.vocab };
  }
  if (task === 'keras') {
    return {
      task,
      ...(o.vocab !== undefined ? { vocab: o.vocab } : {}),
      ...(o.scaler !== undefined && 'kind' in o.scaler ? { scaler: o.scaler } : {}),
    };
  }
  throw bad(
    `unknown task '${task}': an imported Keras model is one of keras, ${KERAS_TASKS.join(', ')}`,
  );
}
