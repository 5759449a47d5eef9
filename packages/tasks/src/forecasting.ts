/**
 * Forecasting (many-to-one regression): the last `seqLength` values of a series (plus optional
 * covariates) -> the next `horizon` values. By default the model reads and predicts first
 * differences (y_t - y_{t-1}), so a trending series stays inside the range the scaler saw; the
 * scaler is fit on the training part only, the validation part is the end of the training series
 * (chronological: nothing from the future leaks in). Forecasts longer than the horizon are
 * recursive: predicted values are fed back as inputs. The artifact keeps the series tail, so a
 * loaded forecaster continues the series with `forecast(steps)`.
 *
 * @example
 * ```ts
 * import { forecasting } from '@rnnkit/tasks';
 * const f = await forecasting.train(trainValues, { season: 12 }); // monthly CO2
 * // forecast: cell lstm, units 32, seqLength 24, epochs 100, horizon 1 (defaults for 626 time steps)
 * f.evaluate(testValues, { steps: 12 }).rmse; // 0.97 ppm: RMSE of the 12-step-ahead forecasts
 * f.forecast(24); // Float64Array(24): the 24 values after the training series
 * ```
 */
import {
  type CellType,
  type LoadedModel,
  type ManyToOneArgs,
  manyToOne,
  save,
} from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  announce,
  bySize,
  COMMON_OPTION_NAMES,
  type CommonTaskOptions,
  checkKnown,
  defaultsLine,
  describeSize,
  type ResolvedCommon,
  resolveCommon,
  runTraining,
  type TaskHooks,
} from './common.js';
import { checkChoice, checkInt, checkRange, TaskError } from './errors.js';

export const FORECASTING = 'forecasting';

/** A series, or a series with covariates (each as long as the series, known in advance). */
export type SeriesData =
  | ArrayLike<number>
  | { values: ArrayLike<number>; covariates?: readonly ArrayLike<number>[] };

export const TRANSFORMS = ['difference', 'seasonal', 'none'] as const;

export interface ForecastingOptions extends CommonTaskOptions {
  /** Past values the model reads. */
  seqLength?: number;
  /** Values predicted at once. Default 1. */
  horizon?: number;
  /**
   * What the model reads and predicts: first differences y_t - y_{t-1} ('difference', the default
   * without `season`), seasonal differences y_t - y_{t-season} ('seasonal', the default with
   * `season`: the year-on-year change of a monthly series), or the values ('none').
   */
  transform?: (typeof TRANSFORMS)[number];
  /** Steps per season (12 for monthly data with a yearly cycle). Default: none. */
  season?: number;
  /** Share of the end of the training series held out for early stopping. Default 0.1. */
  validationShare?: number;
  /** Validations without improvement before stopping. Default 10. */
  patience?: number;
}

export const FORECAST_DEFAULTS = {
  large: { cell: 'lstm' as CellType, units: 64, seqLength: 48, epochs: 30, batchSize: 64 },
  medium: { cell: 'lstm' as CellType, units: 32, seqLength: 24, epochs: 100, batchSize: 32 },
  small: { cell: 'lstm' as CellType, units: 16, seqLength: 12, epochs: 200, batchSize: 16 },
} as const;
export const FORECAST_LARGE_STEPS = 5_000;
export const FORECAST_MEDIUM_STEPS = 200;
export const DEFAULT_HORIZON = 1;
export const DEFAULT_FORECAST_VALIDATION_SHARE = 0.1;
export const DEFAULT_FORECAST_PATIENCE = 10;

export interface ForecastingResolved extends ResolvedCommon {
  seqLength: number;
  horizon: number;
  transform: (typeof TRANSFORMS)[number];
  season: number | null;
  validationShare: number;
  patience: number;
}

/** What the forecaster keeps besides the model: scaling and the series tail. */
interface SeriesState {
  /** Mean and standard deviation per feature (target first), fit on the training part. */
  mean: number[];
  std: number[];
  /** The last seqLength + lag values of the series and of each covariate (lag: 1, season or 0). */
  tail: number[];
  covariateTails: number[][];
}

export interface ForecastArgs {
  /**
   * The series to continue (at least seqLength + lag values). Default: the tail of the training
   * series, kept in the artifact.
   */
  history?: SeriesData;
  /** Covariate values for the forecast steps, one array per covariate, `steps` long. */
  futureCovariates?: readonly ArrayLike<number>[];
}

export interface Forecaster {
  readonly task: typeof FORECASTING;
  readonly options: ForecastingResolved;
  readonly model: tfl.LayersModel;
  /**
   * The last seqLength + lag values of the training series (lag: 1 when differencing, the season
   * when seasonal, else 0), where `forecast()` starts by default; a history needs at least as many.
   */
  readonly tail: readonly number[];
  metrics: Record<string, number>;
  /**
   * Rolling-origin evaluation on the values that follow the training series: from every origin
   * (history = training series + held-out values before it), forecast `steps` ahead. `rmse` is
   * the RMSE of the `steps`-ahead values, `rmseAll` over steps 1..steps.
   */
  evaluate(
    heldOut: SeriesData,
    args?: { steps?: number },
  ): { rmse: number; rmseAll: number; origins: number };
  /** The next `steps` values after the history (recursive beyond the horizon). */
  forecast(steps: number, args?: ForecastArgs): Float64Array;
  save(dir: string): Promise<void>;
  dispose(): void;
}

const OPTION_NAMES = [
  ...COMMON_OPTION_NAMES,
  'seqLength',
  'horizon',
  'transform',
  'season',
  'validationShare',
  'patience',
];

function columnsOf(data: SeriesData, what: string): { values: number[]; covariates: number[][] } {
  const d =
    typeof (data as { values?: unknown }).values === 'object' && !('length' in (data as object))
      ? (data as { values: ArrayLike<number>; covariates?: readonly ArrayLike<number>[] })
      : { values: data as ArrayLike<number> };
  const values = Array.from(d.values ?? [], Number);
  const covariates = (d.covariates ?? []).map((c) => Array.from(c, Number));
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      throw new TaskError(
        'BAD_DATA',
        `${what}: value ${i} is ${v}, expected a finite number: fill gaps first (e.g. co2({ fillGaps: true }))`,
      );
    }
  });
  covariates.forEach((c, k) => {
    if (c.length !== values.length) {
      throw new TaskError(
        'BAD_DATA',
        `${what}: covariate ${k} has ${c.length} values but the series has ${values.length}: give one covariate value per time step`,
      );
    }
  });
  return { values, covariates };
}

/** Options with defaults for a series of `n` steps, and the one-line reason. */
export function forecastingDefaults(
  n: number,
  options: ForecastingOptions = {},
): { resolved: ForecastingResolved; line: string } {
  checkKnown(FORECASTING, options, OPTION_NAMES);
  const sized = bySize(FORECAST_DEFAULTS, n, FORECAST_LARGE_STEPS, FORECAST_MEDIUM_STEPS);
  const common = resolveCommon(options, sized);
  const resolved: ForecastingResolved = {
    ...common,
    seqLength: checkInt('seqLength', options.seqLength ?? sized.seqLength, 1, 'seqLength: 24'),
    horizon: checkInt('horizon', options.horizon ?? DEFAULT_HORIZON, 1, 'horizon: 12'),
    transform: checkChoice(
      'transform',
      options.transform ?? (options.season === undefined ? 'difference' : 'seasonal'),
      TRANSFORMS,
    ),
    season:
      options.season === undefined ? null : checkInt('season', options.season, 2, 'season: 12'),
    validationShare: checkRange(
      'validationShare',
      options.validationShare ?? DEFAULT_FORECAST_VALIDATION_SHARE,
      0,
      0.5,
      'validationShare: 0.1',
    ),
    patience: checkInt(
      'patience',
      options.patience ?? DEFAULT_FORECAST_PATIENCE,
      1,
      'patience: 10',
    ),
  };
  const line = defaultsLine(
    'forecast',
    {
      cell: common.cell,
      units: common.units,
      seqLength: resolved.seqLength,
      epochs: common.epochs,
      horizon: resolved.horizon,
    },
    options,
    describeSize(n, 'steps'),
  );
  return { resolved, line };
}

function builderArgs(o: ForecastingResolved, features: number): ManyToOneArgs {
  return {
    cell: o.cell,
    units: o.units,
    layers: o.layers,
    dropout: o.dropout,
    seed: o.seed,
    input: { type: 'features', features },
    head: { type: 'regression', outputs: o.horizon },
  };
}

/** The modelled target at step t (t >= 1 for differences). */
function target(values: readonly number[], t: number, lag: number): number {
  return lag > 0 ? values[t]! - values[t - lag]! : values[t]!;
}

/** How far back the transform looks: 1 for differences, the season, 0 for none. */
function lagOf(o: Pick<ForecastingResolved, 'transform' | 'season'>): number {
  return o.transform === 'difference' ? 1 : o.transform === 'seasonal' ? o.season! : 0;
}

/**
 * x of the window ending before step `end` (exclusive): [seqLength, features], row-major, scaled:
 * feature 0 the (differenced) target, then the covariates.
 */
function windowInto(
  out: Float32Array,
  offset: number,
  values: readonly number[],
  covariates: readonly (readonly number[])[],
  end: number,
  o: ForecastingResolved,
  s: Pick<SeriesState, 'mean' | 'std'>,
): void {
  const F = 1 + covariates.length;
  for (let i = 0; i < o.seqLength; i++) {
    const t = end - o.seqLength + i;
    out[offset + i * F] = (target(values, t, lagOf(o)) - s.mean[0]!) / s.std[0]!;
    covariates.forEach((c, k) => {
      out[offset + i * F + 1 + k] = (c[t]! - s.mean[k + 1]!) / s.std[k + 1]!;
    });
  }
}

/** Windows with targets for origins `from .. to` (exclusive): x [n, seqLength, F], y [n, horizon]. */
function windows(
  values: readonly number[],
  covariates: readonly (readonly number[])[],
  from: number,
  to: number,
  o: ForecastingResolved,
  s: Pick<SeriesState, 'mean' | 'std'>,
): { x: tf.Tensor3D; y: tf.Tensor2D } | null {
  const F = 1 + covariates.length;
  const n = to - from;
  if (n <= 0) return null;
  const x = new Float32Array(n * o.seqLength * F);
  const y = new Float32Array(n * o.horizon);
  for (let r = 0; r < n; r++) {
    const end = from + r;
    windowInto(x, r * o.seqLength * F, values, covariates, end, o, s);
    for (let h = 0; h < o.horizon; h++) {
      y[r * o.horizon + h] = (target(values, end + h, lagOf(o)) - s.mean[0]!) / s.std[0]!;
    }
  }
  return {
    x: tf.tensor3d(x, [n, o.seqLength, F]),
    y: tf.tensor2d(y, [n, o.horizon]),
  };
}

function meanStd(xs: readonly number[]): [number, number] {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  return [mean, Math.sqrt(v) || 1];
}

/**
 * The windows a forecaster trains on (x [n, seqLength, F], y [n, horizon], scaled) and validates
 * on, with the scaling fit on the training part: what `train` uses, and what `rnnkit export
 * --format torch --data` writes for PyTorch. The caller disposes the tensors.
 */
export function forecastingWindows(
  values: readonly number[],
  covariates: readonly (readonly number[])[],
  o: ForecastingResolved,
): {
  first: number;
  s: { mean: number[]; std: number[] };
  train: { x: tf.Tensor3D; y: tf.Tensor2D };
  val: { x: tf.Tensor3D; y: tf.Tensor2D } | null;
} {
  const first = lagOf(o); // first step with a target
  const need = first + o.seqLength + o.horizon;
  if (values.length < need + 1) {
    throw new TaskError(
      'BAD_DATA',
      `the series has ${values.length} values, but seqLength ${o.seqLength} + horizon ${o.horizon}${first ? ` + ${first} (differences)` : ''} needs more than ${need}: lower seqLength or give a longer series`,
    );
  }
  // chronological: train on steps [0, cut), validate on windows whose targets lie in [cut, n)
  const nVal = Math.floor(o.validationShare * values.length);
  const cut = values.length - nVal;
  const trainTargets: number[] = [];
  for (let t = first; t < cut; t++) trainTargets.push(target(values, t, first));
  const stats = [meanStd(trainTargets), ...covariates.map((c) => meanStd(c.slice(0, cut)))];
  const s = { mean: stats.map((m) => m[0]), std: stats.map((m) => m[1]) };
  // origin t: inputs steps [t - seqLength, t), targets [t, t + horizon)
  const train = windows(values, covariates, first + o.seqLength, cut - o.horizon + 1, o, s);
  const val =
    nVal >= o.horizon
      ? windows(
          values,
          covariates,
          Math.max(first + o.seqLength, cut),
          values.length - o.horizon + 1,
          o,
          s,
        )
      : null;
  if (!train) {
    throw new TaskError(
      'BAD_DATA',
      `no training window fits before the validation part (${cut} values): lower validationShare or seqLength`,
    );
  }
  return { first, s, train, val };
}

/** Trains a forecaster on a series (the held-out part stays out: pass it to `evaluate`). */
export async function trainForecasting(
  data: SeriesData,
  options: ForecastingOptions = {},
  hooks: TaskHooks = {},
): Promise<Forecaster> {
  const { values, covariates } = columnsOf(data, 'forecasting data');
  const { resolved: o, line } = forecastingDefaults(values.length, options);
  if (o.transform === 'seasonal' && o.season === null) {
    throw new TaskError(
      'BAD_OPTION',
      "transform 'seasonal' needs the season length: give season, e.g. season: 12 for monthly data",
    );
  }
  const { first, s, train, val } = forecastingWindows(values, covariates, o);
  announce(hooks, line, { ...o });
  const { model } = manyToOne(builderArgs(o, 1 + covariates.length));
  try {
    await runTraining(
      'forecast',
      model,
      train,
      {
        loss: 'meanSquaredError',
        common: o,
        ...(val ? { validation: val, patience: o.patience } : {}),
      },
      hooks,
    );
  } finally {
    tf.dispose([train.x, train.y, ...(val ? [val.x, val.y] : [])]);
  }
  const keep = o.seqLength + first;
  return forecaster(
    model,
    o,
    {
      ...s,
      tail: values.slice(-keep),
      covariateTails: covariates.map((c) => c.slice(-keep)),
    },
    {},
  );
}

function forecaster(
  model: tfl.LayersModel,
  o: ForecastingResolved,
  state: SeriesState,
  metrics: Record<string, number>,
): Forecaster {
  const F = 1 + state.covariateTails.length;
  const lag = lagOf(o);
  /**
   * Batched recursive forecasts: each row is a history (values + covariates, its future
   * covariates appended); returns [rows][steps] forecasts.
   */
  const run = (rows: { values: number[]; covariates: number[][] }[], steps: number): number[][] => {
    const out = rows.map(() => [] as number[]);
    const series = rows.map((r) => r.values.slice());
    while (out[0]!.length < steps) {
      const x = new Float32Array(rows.length * o.seqLength * F);
      rows.forEach((r, i) => {
        windowInto(x, i * o.seqLength * F, series[i]!, r.covariates, series[i]!.length, o, state);
      });
      const y = tf.tidy(() => {
        const p = model.predict(tf.tensor3d(x, [rows.length, o.seqLength, F])) as tf.Tensor;
        return p.dataSync() as Float32Array; // [rows, horizon], scaled targets
      });
      rows.forEach((_, i) => {
        const s = series[i]!;
        for (let h = 0; h < o.horizon && out[i]!.length < steps; h++) {
          const z = y[i * o.horizon + h]! * state.std[0]! + state.mean[0]!;
          const v = lag > 0 ? s[s.length - lag]! + z : z;
          s.push(v);
          out[i]!.push(v);
        }
      });
    }
    return out;
  };
  const task: Forecaster = {
    task: FORECASTING,
    options: o,
    model,
    tail: state.tail,
    metrics,
    forecast(steps, args = {}) {
      checkInt('steps', steps, 1, 'forecast(12)');
      const h = args.history
        ? columnsOf(args.history, 'history')
        : { values: state.tail, covariates: state.covariateTails };
      const need = o.seqLength + lag;
      if (h.values.length < need) {
        throw new TaskError(
          'BAD_DATA',
          `history has ${h.values.length} values, expected at least ${need} (seqLength ${o.seqLength} + ${lag})`,
        );
      }
      const covs = h.covariates.map((c, k) => {
        const future = args.futureCovariates?.[k];
        if (!future || future.length < steps) {
          throw new TaskError(
            'BAD_OPTION',
            `the model reads ${h.covariates.length} covariate(s): give futureCovariates, one array of ${steps} values each`,
          );
        }
        return [...c, ...Array.from(future, Number)];
      });
      return Float64Array.from(run([{ values: h.values, covariates: covs }], steps)[0]!);
    },
    evaluate(heldOut, args = {}) {
      const steps = checkInt('steps', args.steps ?? o.horizon, 1, 'steps: 12');
      const test = columnsOf(heldOut, 'held-out data');
      if (test.covariates.length !== state.covariateTails.length) {
        throw new TaskError(
          'BAD_DATA',
          `held-out data has ${test.covariates.length} covariate(s), the model reads ${state.covariateTails.length}`,
        );
      }
      const values = [...state.tail, ...test.values];
      const covs = state.covariateTails.map((c, k) => [...c, ...test.covariates[k]!]);
      const start = state.tail.length; // index of the first held-out value
      const rows: { values: number[]; covariates: number[][] }[] = [];
      for (let t = start; t + steps <= values.length; t++) {
        rows.push({
          values: values.slice(0, t),
          covariates: covs.map((c) => c.slice(0, t + steps)),
        });
      }
      if (rows.length === 0) {
        throw new TaskError(
          'BAD_DATA',
          `held-out data has ${test.values.length} values, expected at least steps (${steps})`,
        );
      }
      const preds = run(rows, steps);
      let se = 0;
      let seAll = 0;
      preds.forEach((p, i) => {
        const t = start + i;
        p.forEach((v, h) => {
          const e = (v - values[t + h]!) ** 2;
          seAll += e;
          if (h === steps - 1) se += e;
        });
      });
      const m = {
        rmse: Math.sqrt(se / rows.length),
        rmseAll: Math.sqrt(seAll / (rows.length * steps)),
        origins: rows.length,
      };
      task.metrics = { ...m, steps };
      return m;
    },
    async save(dir) {
      await save(model, dir, {
        task: FORECASTING,
        topology: {
          builder: 'manyToOne',
          args: builderArgs(o, F) as unknown as Record<string, unknown>,
        },
        training: { config: { ...o, series: { ...state } }, metrics: task.metrics },
      });
    },
    dispose() {
      model.dispose();
    },
  };
  return task;
}

/** The task from a loaded artifact. */
export function restoreForecasting(loaded: LoadedModel): Forecaster {
  const config = loaded.meta.training?.config as unknown as
    | (ForecastingResolved & { series: SeriesState })
    | undefined;
  if (!config?.series?.tail) {
    throw new TaskError(
      'BAD_ARTIFACT',
      'a forecasting artifact must hold its scaling and series tail (rnnkit.json training.config.series): save it again',
    );
  }
  const { series, ...o } = config;
  return forecaster(loaded.model, o, series, loaded.meta.training?.metrics ?? {});
}

export const forecasting = {
  /** The training and validation windows of a run (see {@link forecastingWindows}). */
  windows: forecastingWindows,
  name: FORECASTING,
  train: trainForecasting,
  defaults: forecastingDefaults,
} as const;
