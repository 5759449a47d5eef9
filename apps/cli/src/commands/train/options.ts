/**
 * The options of `rnnkit train`: a `--config` JSON file, then the flags over it, each checked
 * (a bad value is a usage error, exit 2) and named with the tasks package's words.
 *
 * @example
 * ```ts
 * await trainOptions({ config: 'run.json', lr: '0.01' }, '/work');
 * // { learningRate: 0.01, ...what run.json sets }
 * ```
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CellType } from '@rnnkit/models';
import { CliError } from '../../errors.js';
import { choiceFlag, durationFlag, intFlag, numberFlag, stringFlag } from '../../util/flags.js';

/** The flags a config file may set, by the camelCase names cac gives them. */
export const CONFIG_KEYS = [
  'data',
  'dataset',
  'column',
  'target',
  'textField',
  'labelField',
  'cell',
  'units',
  'layers',
  'seqLength',
  'epochs',
  'batchSize',
  'lr',
  'clip',
  'seed',
  'backend',
  'valSplit',
  'out',
  'checkpointEvery',
  'attentionMap',
  'dropout',
  'timeBudget',
  'season',
  'horizon',
  'transform',
  'rangeMargin',
  'holdOut',
  'intervals',
  'quantiles',
  'seriesEmbedding',
  'idColumn',
] as const;

/** The flags only `rnnkit train forecast` reads (another task given one is a usage error). */
export const FORECAST_KEYS = [
  'season',
  'horizon',
  'transform',
  'rangeMargin',
  'holdOut',
  'intervals',
  'quantiles',
  'seriesEmbedding',
  'idColumn',
] as const;
/** `@rnnkit/tasks`'s TRANSFORMS (a test keeps them equal): importing it would load tfjs. */
export const TRANSFORMS = ['difference', 'seasonal', 'none'] as const;
/** `@rnnkit/tasks`'s INTERVALS (a test keeps them equal): importing it would load tfjs. */
export const INTERVALS = ['none', 'quantile', 'gaussian'] as const;

/** `@rnnkit/models`'s CELL_TYPES (a test keeps them equal): importing it would load tfjs. */
export const CELLS: readonly CellType[] = ['rnn', 'lstm', 'gru'];
export const BACKENDS = ['cpu', 'wasm'] as const;
/** Held-out share when `--val-split` is not given. */
export const DEFAULT_VAL_SPLIT = 0.1;
/** Output folder when `--out` is not given. */
export const DEFAULT_OUT = 'rnnkit-model';

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
    rangeMargin?: number;
    intervals?: (typeof INTERVALS)[number];
    quantiles?: number[];
    seriesEmbedding?: boolean;
  };
  /** Forecast only: the last this many values are left out of training (for rnnkit eval). */
  holdOut: number | undefined;
  /** Forecast only: a long CSV of many series, this column naming each row's series. */
  idColumn: string | undefined;
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

/** Merges the config file and the flags (flags win) and checks every value. */
export async function trainSettings(
  flags: Record<string, unknown>,
  cwd: string,
): Promise<TrainSettings> {
  const file = flags['config'] === undefined ? {} : await readConfig(String(flags['config']), cwd);
  const given = Object.fromEntries(
    CONFIG_KEYS.map((k) => [k, flags[k] !== undefined ? flags[k] : file[k]]),
  ) as Record<(typeof CONFIG_KEYS)[number], unknown>;
  const model: TrainSettings['model'] = {
    cell: choiceFlag('cell', given.cell, CELLS),
    units: intFlag('units', given.units, 1),
    layers: intFlag('layers', given.layers, 1),
    seqLength: intFlag('seq-length', given.seqLength, 1),
    epochs: intFlag('epochs', given.epochs, 1),
    batchSize: intFlag('batch-size', given.batchSize, 1),
    learningRate: numberFlag('lr', given.lr, 1e-8, 10),
    clipNorm: numberFlag('clip', given.clip, 1e-8, 1e6),
    seed: intFlag('seed', given.seed, 0),
    dropout: numberFlag('dropout', given.dropout, 0, 0.99),
    timeBudgetSeconds: durationFlag('time-budget', given.timeBudget),
  };
  const forecast: TrainSettings['forecast'] = {
    season: intFlag('season', given.season, 2),
    horizon: intFlag('horizon', given.horizon, 1),
    transform: choiceFlag('transform', given.transform, TRANSFORMS),
    rangeMargin: numberFlag('range-margin', given.rangeMargin, 0, 1e6),
    intervals: choiceFlag('intervals', given.intervals, INTERVALS),
    quantiles: quantilesFlag(given.quantiles),
    seriesEmbedding: given.seriesEmbedding === undefined ? undefined : !!given.seriesEmbedding,
  };
  const data = stringFlag('data', given.data);
  const dataset = stringFlag('dataset', given.dataset);
  if (data !== undefined && dataset !== undefined) {
    throw new CliError('give --data <file> or --dataset <name>, not both', 2);
  }
  if (data === undefined && dataset === undefined) {
    throw new CliError(
      'no training data: give --data <file> or --dataset <name> (see rnnkit datasets)',
      2,
    );
  }
  return {
    data,
    dataset,
    column: stringFlag('column', given.column),
    target: stringFlag('target', given.target),
    textField: stringFlag('text-field', given.textField),
    labelField: stringFlag('label-field', given.labelField),
    out: stringFlag('out', given.out) ?? DEFAULT_OUT,
    backend: choiceFlag('backend', given.backend, BACKENDS) ?? 'cpu',
    valSplit: numberFlag('val-split', given.valSplit, 0, 0.9) ?? DEFAULT_VAL_SPLIT,
    checkpointEvery: intFlag('checkpoint-every', given.checkpointEvery, 1),
    attentionMap: stringFlag('attention-map', given.attentionMap),
    given: Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
    model: definedOnly(model),
    forecast: definedOnly(forecast),
    holdOut: intFlag('hold-out', given.holdOut, 1),
    idColumn: stringFlag('id-column', given.idColumn),
  };
}

/** `--quantiles 0.1,0.5,0.9` (or a JSON list in a config): rising numbers in (0, 1). */
function quantilesFlag(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : String(value).split(',');
  const qs = list.map((v) => Number(String(v).trim()));
  qs.forEach((q, i) => {
    if (!(q > 0 && q < 1) || (i > 0 && q <= qs[i - 1]!)) {
      throw new CliError(
        `--quantiles ${list.join(',')}: expected rising numbers strictly between 0 and 1, e.g. --quantiles 0.1,0.5,0.9`,
        2,
      );
    }
  });
  return qs;
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
