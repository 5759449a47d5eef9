/**
 * The options of `rnnkit train`: a `--config` JSON file, then the flags over it, each checked
 * (a bad value is a usage error, exit 2) and named with the tasks package's words.
 *
 * @example
 * ```ts
 * (await trainSettings({ config: 'run.json', lr: 0.01 }, '/work')).model;
 * // { learningRate: 0.01, ...what run.json sets }
 * ```
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CellType } from '@rnnkit/models';
import { CliError } from '../../errors.js';
import { choiceFlag, durationFlag, intFlag, numberFlag, stringFlag } from '../../util/flags.js';

/** The flags only `rnnkit train forecast` reads (another task given one is a usage error). */
export const FORECAST_KEYS = [
  'season',
  'horizon',
  'transform',
  'normalize',
  'rangeMargin',
  'holdOut',
  'intervals',
  'quantiles',
  'seriesEmbedding',
  'idColumn',
] as const;
/** `@rnnkit/tasks`'s TRANSFORMS (a test keeps them equal): importing it would load tfjs. */
export const TRANSFORMS = ['difference', 'seasonal', 'none'] as const;
/** `@rnnkit/tasks`'s NORMALIZE (a test keeps them equal): importing it would load tfjs. */
export const NORMALIZE = ['window', 'series'] as const;
/** `@rnnkit/tasks`'s INTERVALS (a test keeps them equal): importing it would load tfjs. */
export const INTERVALS = ['none', 'quantile', 'gaussian'] as const;

/** The flags only `rnnkit train text` reads. */
export const TEXT_KEYS = ['unit', 'maxVocab'] as const;
/** `@rnnkit/tasks`'s TEXT_UNITS (a test keeps them equal): importing it would load tfjs. */
export const TEXT_UNITS = ['char', 'word'] as const;
/** `@rnnkit/models`'s WEIGHTS_DTYPES (a test keeps them equal): importing it would load tfjs. */
export const WEIGHTS_DTYPES = ['float32', 'float16', 'int8'] as const;

/** `@rnnkit/models`'s CELL_TYPES (a test keeps them equal): importing it would load tfjs. */
export const CELLS: readonly CellType[] = ['rnn', 'lstm', 'gru'];
/** `auto`: the fastest backend that loads (wasm, else cpu), said in one line. */
export const BACKENDS = ['auto', 'cpu', 'wasm'] as const;
/** Held-out share when `--val-split` is not given. */
export const DEFAULT_VAL_SPLIT = 0.1;
/** Output folder when `--out` is not given. */
export const DEFAULT_OUT = 'rnnkit-model';

/** `--quantiles 0.1,0.5,0.9` (or a JSON list in a config): rising numbers in (0, 1). */
function quantilesFlag(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : String(value).split(',');
  const qs = list.map((v) => Number(String(v).trim()));
  qs.forEach((q, i) => {
    if (!(q > 0 && q < 1) || (i > 0 && q <= qs[i - 1]!)) {
      throw new CliError(
        `--quantiles must be rising numbers strictly between 0 and 1 (e.g. 0.1,0.5,0.9), got ${JSON.stringify(value)}`,
        2,
      );
    }
  });
  return qs;
}

/**
 * The options a config file may set, by the camelCase names of their flags, each with the check
 * of its value (a bad one is a usage error naming the flag). The command line's parsers (cli.ts)
 * are these same checks, so `--units 0` and `{"units": 0}` say the same thing.
 */
export const TRAIN_CHECKS = {
  data: (v: unknown) => stringFlag('data', v),
  dataset: (v: unknown) => stringFlag('dataset', v),
  column: (v: unknown) => stringFlag('column', v),
  target: (v: unknown) => stringFlag('target', v),
  textField: (v: unknown) => stringFlag('text-field', v),
  labelField: (v: unknown) => stringFlag('label-field', v),
  cell: (v: unknown) => choiceFlag('cell', v, CELLS),
  units: (v: unknown) => intFlag('units', v, 1),
  layers: (v: unknown) => intFlag('layers', v, 1),
  seqLength: (v: unknown) => intFlag('seq-length', v, 1),
  epochs: (v: unknown) => intFlag('epochs', v, 1),
  timeBudget: (v: unknown) => durationFlag('time-budget', v),
  batchSize: (v: unknown) => intFlag('batch-size', v, 1),
  lr: (v: unknown) => numberFlag('lr', v, 1e-8, 10, 'learning rate'),
  clip: (v: unknown) => numberFlag('clip', v, 1e-8, 1e6, 'gradient norm'),
  seed: (v: unknown) => intFlag('seed', v, 0),
  backend: (v: unknown) => choiceFlag('backend', v, BACKENDS),
  valSplit: (v: unknown) => numberFlag('val-split', v, 0, 0.9, 'validation share'),
  out: (v: unknown) => stringFlag('out', v),
  checkpointEvery: (v: unknown) => intFlag('checkpoint-every', v, 1),
  attentionMap: (v: unknown) => stringFlag('attention-map', v),
  dropout: (v: unknown) => numberFlag('dropout', v, 0, 0.99),
  season: (v: unknown) => intFlag('season', v, 2),
  horizon: (v: unknown) => intFlag('horizon', v, 1),
  transform: (v: unknown) => choiceFlag('transform', v, TRANSFORMS),
  normalize: (v: unknown) => choiceFlag('normalize', v, NORMALIZE),
  rangeMargin: (v: unknown) => numberFlag('range-margin', v, 0, 1e6),
  holdOut: (v: unknown) => intFlag('hold-out', v, 1),
  intervals: (v: unknown) => choiceFlag('intervals', v, INTERVALS),
  quantiles: quantilesFlag,
  seriesEmbedding: (v: unknown) => (v === undefined ? undefined : !!v),
  idColumn: (v: unknown) => stringFlag('id-column', v),
  unit: (v: unknown) => choiceFlag('unit', v, TEXT_UNITS),
  maxVocab: (v: unknown) => intFlag('max-vocab', v, 3),
  weights: (v: unknown) => choiceFlag('weights', v, WEIGHTS_DTYPES),
} as const;

export type ConfigKey = keyof typeof TRAIN_CHECKS;
export const CONFIG_KEYS = Object.keys(TRAIN_CHECKS) as ConfigKey[];

/** What the train command runs with (model options use the tasks package's names). */
export interface TrainSettings {
  data: string | undefined;
  dataset: string | undefined;
  /** CSV: the series to forecast, or the comma-separated input columns (with `target`). */
  column: string | undefined;
  /** CSV: the column to predict, when `column` names several inputs. */
  target: string | undefined;
  /** JSONL: the field of the text (default text). */
  textField: string | undefined;
  /** JSONL: the field of the label (default label). */
  labelField: string | undefined;
  out: string;
  backend: (typeof BACKENDS)[number];
  valSplit: number;
  /** Write a training checkpoint every this many steps (besides on Ctrl-C). */
  checkpointEvery: number | undefined;
  /** seq2seq: SVG file for the attention map of the first held-out input. */
  attentionMap: string | undefined;
  /** The options as given (config file, then flags), for `--resume` to run with again. */
  given: Record<string, unknown>;
  /** Options passed to the task's `train` (only those set, so the task picks the rest). */
  model: {
    cell?: CellType;
    units?: number;
    layers?: number;
    seqLength?: number;
    epochs?: number;
    batchSize?: number;
    learningRate?: number;
    clipNorm?: number;
    seed?: number;
    dropout?: number;
    timeBudgetSeconds?: number;
  };
  /** Forecast only: the task's options of the same names. */
  forecast: {
    season?: number;
    horizon?: number;
    transform?: (typeof TRANSFORMS)[number];
    normalize?: (typeof NORMALIZE)[number];
    rangeMargin?: number;
    intervals?: (typeof INTERVALS)[number];
    quantiles?: number[];
    seriesEmbedding?: boolean;
  };
  /** Forecast only: the last this many values are left out of training (for rnnkit eval). */
  holdOut: number | undefined;
  /** Forecast only: a long CSV of many series, this column naming each row's series. */
  idColumn: string | undefined;
  /** Text only: the task's options of the same names. */
  text: { unit?: (typeof TEXT_UNITS)[number]; maxVocab?: number };
  /** How the saved model stores its weights (default float32). */
  weights: (typeof WEIGHTS_DTYPES)[number] | undefined;
}

/** `--config`: a JSON file, or the JSON object itself (`--config '{"horizon":5}'`). */
async function readConfig(path: string, cwd: string): Promise<Record<string, unknown>> {
  const inline = path.trimStart().startsWith('{');
  const file = inline ? '--config' : resolve(cwd, path);
  let text = path;
  if (!inline) {
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new CliError(`cannot read the config file ${file}: check the path`, 2);
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not valid JSON (${(e as Error).message})`, 2);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new CliError(`${file} must hold one JSON object, e.g. {"epochs": 3, "units": 64}`, 2);
  }
  for (const key of Object.keys(doc)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new CliError(
        `${file}: unknown key ${JSON.stringify(key)}: the keys are ${CONFIG_KEYS.join(', ')}`,
        2,
      );
    }
  }
  return doc as Record<string, unknown>;
}

/**
 * Merges the config file and the flags (flags win) and checks every value: the flags were checked
 * as they were parsed, the file's values are checked here by the same TRAIN_CHECKS.
 */
export async function trainSettings(
  flags: Record<string, unknown>,
  cwd: string,
): Promise<TrainSettings> {
  const file = flags['config'] === undefined ? {} : await readConfig(String(flags['config']), cwd);
  const given = Object.fromEntries(
    CONFIG_KEYS.map((k) => [k, flags[k] !== undefined ? flags[k] : file[k]]),
  ) as Record<ConfigKey, unknown>;
  const check = <K extends ConfigKey>(key: K) =>
    TRAIN_CHECKS[key](given[key]) as ReturnType<(typeof TRAIN_CHECKS)[K]>;
  const model: TrainSettings['model'] = {
    cell: check('cell'),
    units: check('units'),
    layers: check('layers'),
    seqLength: check('seqLength'),
    epochs: check('epochs'),
    batchSize: check('batchSize'),
    learningRate: check('lr'),
    clipNorm: check('clip'),
    seed: check('seed'),
    dropout: check('dropout'),
    timeBudgetSeconds: check('timeBudget'),
  };
  const forecast: TrainSettings['forecast'] = {
    season: check('season'),
    horizon: check('horizon'),
    transform: check('transform'),
    normalize: check('normalize'),
    rangeMargin: check('rangeMargin'),
    intervals: check('intervals'),
    quantiles: check('quantiles'),
    seriesEmbedding: check('seriesEmbedding'),
  };
  const data = check('data');
  const dataset = check('dataset');
  if (data !== undefined && dataset !== undefined) {
    throw new CliError('give --data <file> or --dataset <name>, not both', 2);
  }
  if (data === undefined && dataset === undefined) {
    throw new CliError(
      'no training data: give --data <file> (- for stdin) or --dataset <name> (see rnnkit datasets)',
      2,
    );
  }
  return {
    data,
    dataset,
    column: check('column'),
    target: check('target'),
    textField: check('textField'),
    labelField: check('labelField'),
    out: check('out') ?? DEFAULT_OUT,
    backend: check('backend') ?? 'auto',
    valSplit: check('valSplit') ?? DEFAULT_VAL_SPLIT,
    checkpointEvery: check('checkpointEvery'),
    attentionMap: check('attentionMap'),
    given: definedOnly(given),
    model: definedOnly(model),
    forecast: definedOnly(forecast),
    holdOut: check('holdOut'),
    text: definedOnly({ unit: check('unit'), maxVocab: check('maxVocab') }),
    weights: check('weights'),
    idColumn: check('idColumn'),
  };
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
