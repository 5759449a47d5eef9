/**
 * A trained forecaster's use: `forecast(steps)` (recursive past the horizon, each value kept within
 * the seen range widened by `rangeMargin`), rolling-origin `evaluate`, `save`, and
 * `restoreForecasting` for `loadTask`.
 *
 * @example
 * ```ts
 * const f = await forecasting.train(values, { season: 12 });
 * f.forecast(24); // Float64Array(24): the 24 values after the training series
 * f.bounds(); // [lo, hi]: the range every forecast value stays in
 * ```
 */
import { type LoadedModel, type ManyToOneArgs, save } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { artifactOptions, type TaskSaveOptions } from '../common.js';
import { checkInt, TaskError } from '../errors.js';
import {
  DEFAULT_RANGE_MARGIN,
  FORECASTING,
  type ForecastingResolved,
  lagOf,
  type SeriesData,
} from './options.js';
import { type Columns, columnsOf, type SeriesState, windowInto } from './windows.js';

export interface ForecastArgs {
  /**
   * The series to continue (at least seqLength + lag values). Default: the tail of the training
   * series, kept in the artifact.
   */
  history?: SeriesData;
  /** Covariate values for the forecast steps, one array per covariate, `steps` long. */
  futureCovariates?: readonly ArrayLike<number>[];
}

/** Rolling-origin errors in the data's units. */
export interface ForecastErrors {
  /** RMSE of the `steps`-ahead values. */
  rmse: number;
  /** RMSE and MAE over steps 1..steps. */
  rmseAll: number;
  maeAll: number;
  /** Forecast origins scored. */
  origins: number;
}

/** What the model was trained on: where its series began and ended, and its range. */
export interface TrainedSeries {
  /** Length of the training series (validation part included); null in older artifacts. */
  steps: number | null;
  /** Its first and last seqLength + lag values. */
  head: readonly number[] | null;
  tail: readonly number[];
  /** Its smallest and largest value. */
  min: number;
  max: number;
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
  /** The training series' length, ends and range (for telling held-out data from training data). */
  readonly trained: TrainedSeries;
  metrics: Record<string, number>;
  /**
   * Rolling-origin evaluation on the values that follow the history (default: the training
   * series): from every origin (history + held-out values before it), forecast `steps` ahead.
   */
  evaluate(
    heldOut: SeriesData,
    args?: { steps?: number; history?: SeriesData },
  ): { rmse: number; rmseAll: number; maeAll: number; origins: number };
  /** The next `steps` values after the history (recursive beyond the horizon). */
  forecast(steps: number, args?: ForecastArgs): Float64Array;
  /**
   * The range [lo, hi] forecasts from `history` (default: the training tail) stay in: the range of
   * the training series and the history, widened by `rangeMargin` times its width on each side,
   * and never below 0 when none of those values is.
   */
  bounds(history?: readonly number[]): [number, number];
  save(dir: string, options?: TaskSaveOptions): Promise<void>;
  dispose(): void;
}

export function builderArgs(o: ForecastingResolved, features: number): ManyToOneArgs {
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

/** The range forecasts stay in (see {@link Forecaster.bounds}). */
export function boundsOf(
  range: { min: number; max: number },
  history: readonly number[],
  margin: number,
): [number, number] {
  let lo = range.min;
  let hi = range.max;
  for (const v of history) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const pad = margin * (hi - lo);
  return [lo >= 0 ? Math.max(0, lo - pad) : lo - pad, hi + pad];
}

/** One forecast origin: a history (values, and covariates with their future values appended). */
export type Row = Columns;

/**
 * Batched recursive forecasts: each row is a history; returns [rows][steps] forecasts, each value
 * clamped to the row's bounds before it is fed back.
 */
export function forecastRows(
  model: tfl.LayersModel,
  o: ForecastingResolved,
  state: SeriesState & { min: number; max: number },
  rows: readonly Row[],
  steps: number,
): number[][] {
  const F = 1 + state.covariateTails.length;
  const lag = lagOf(o);
  const out = rows.map(() => [] as number[]);
  const series = rows.map((r) => r.values.slice());
  const bounds = rows.map((r) => boundsOf(state, r.values, o.rangeMargin));
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
      const [lo, hi] = bounds[i]!;
      for (let h = 0; h < o.horizon && out[i]!.length < steps; h++) {
        const z = y[i * o.horizon + h]! * state.std[0]! + state.mean[0]!;
        const v = Math.min(hi, Math.max(lo, lag > 0 ? s[s.length - lag]! + z : z));
        s.push(v);
        out[i]!.push(v);
      }
    });
  }
  return out;
}

/**
 * Rolling-origin errors: from every origin t of `values` in [start, values.length - steps], the
 * forecast of `steps` values from values[0..t), against values[t..t + steps).
 */
export function rollingErrors(
  model: tfl.LayersModel,
  o: ForecastingResolved,
  state: SeriesState & { min: number; max: number },
  series: Columns,
  start: number,
  steps: number,
): ForecastErrors {
  const { values, covariates } = series;
  const rows: Row[] = [];
  for (let t = start; t + steps <= values.length; t++) {
    rows.push({
      values: values.slice(0, t),
      covariates: covariates.map((c) => c.slice(0, t + steps)),
    });
  }
  if (rows.length === 0) return { rmse: Number.NaN, rmseAll: Number.NaN, maeAll: 0, origins: 0 };
  const preds = forecastRows(model, o, state, rows, steps);
  let se = 0;
  let seAll = 0;
  let aeAll = 0;
  preds.forEach((p, i) => {
    p.forEach((v, h) => {
      const d = v - values[start + i + h]!;
      seAll += d * d;
      aeAll += Math.abs(d);
      if (h === steps - 1) se += d * d;
    });
  });
  const n = rows.length * steps;
  return {
    rmse: Math.sqrt(se / rows.length),
    rmseAll: Math.sqrt(seAll / n),
    maeAll: aeAll / n,
    origins: rows.length,
  };
}

/** The state with its range (older artifacts: the range of the tail they keep). */
function withRange(state: SeriesState): SeriesState & { min: number; max: number } {
  return {
    ...state,
    min: state.min ?? Math.min(...state.tail),
    max: state.max ?? Math.max(...state.tail),
  };
}

export function forecaster(
  model: tfl.LayersModel,
  o: ForecastingResolved,
  seriesState: SeriesState,
  metrics: Record<string, number>,
): Forecaster {
  const state = withRange(seriesState);
  const F = 1 + state.covariateTails.length;
  const lag = lagOf(o);
  const need = o.seqLength + lag;
  const history = (data: SeriesData | undefined, what: string): Columns => {
    const h = data
      ? columnsOf(data, what)
      : { values: state.tail, covariates: state.covariateTails };
    if (h.values.length < need) {
      throw new TaskError(
        'BAD_DATA',
        `${what} has ${h.values.length} values, expected at least ${need} (seqLength ${o.seqLength} + ${lag})`,
      );
    }
    if (h.covariates.length !== state.covariateTails.length) {
      throw new TaskError(
        'BAD_DATA',
        `${what} has ${h.covariates.length} covariate(s), the model reads ${state.covariateTails.length}`,
      );
    }
    return h;
  };
  const task: Forecaster = {
    task: FORECASTING,
    options: o,
    model,
    tail: state.tail,
    trained: {
      steps: state.steps ?? null,
      head: state.head ?? null,
      tail: state.tail,
      min: state.min,
      max: state.max,
    },
    metrics,
    forecast(steps, args = {}) {
      checkInt('steps', steps, 1, 'forecast(12)');
      const h = history(args.history, 'history');
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
      const rows = [{ values: h.values, covariates: covs }];
      return Float64Array.from(forecastRows(model, o, state, rows, steps)[0]!);
    },
    bounds(values = state.tail) {
      return boundsOf(state, values, o.rangeMargin);
    },
    evaluate(heldOut, args = {}) {
      const steps = checkInt('steps', args.steps ?? o.horizon, 1, 'steps: 12');
      const before = history(args.history, 'history');
      const test = columnsOf(heldOut, 'held-out data');
      if (test.covariates.length !== state.covariateTails.length) {
        throw new TaskError(
          'BAD_DATA',
          `held-out data has ${test.covariates.length} covariate(s), the model reads ${state.covariateTails.length}`,
        );
      }
      if (test.values.length < steps) {
        throw new TaskError(
          'BAD_DATA',
          `held-out data has ${test.values.length} values, expected at least steps (${steps})`,
        );
      }
      const series = {
        values: [...before.values, ...test.values],
        covariates: before.covariates.map((c, k) => [...c, ...test.covariates[k]!]),
      };
      const m = rollingErrors(model, o, state, series, before.values.length, steps);
      task.metrics = { ...task.metrics, ...m, steps };
      return m;
    },
    async save(dir, saveOptions = {}) {
      await save(
        model,
        dir,
        {
          task: FORECASTING,
          topology: {
            builder: 'manyToOne',
            args: builderArgs(o, F) as unknown as Record<string, unknown>,
          },
          training: { config: { ...o, series: { ...seriesState } }, metrics: task.metrics },
        },
        artifactOptions(saveOptions),
      );
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
  // artifacts saved before rangeMargin existed get its default
  const options = { ...o, rangeMargin: o.rangeMargin ?? DEFAULT_RANGE_MARGIN };
  return forecaster(loaded.model, options, series, loaded.meta.training?.metrics ?? {});
}
