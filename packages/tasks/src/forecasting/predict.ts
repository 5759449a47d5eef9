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
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkInt, TaskError } from '../errors.js';
import {
  DEFAULT_QUANTILES,
  DEFAULT_SAMPLES,
  empiricalQuantile,
  valueAt,
  valuesPerStep,
} from './intervals.js';
import {
  DEFAULT_RANGE_MARGIN,
  FORECASTING,
  type ForecastingResolved,
  lagOf,
  type SeriesData,
} from './options.js';
import { type Columns, columnsOf, type SeriesState, seriesState, windowInto } from './windows.js';

/** Which series: by id (many series), or a history (one series' own, or a new series). */
export interface SeriesArgs {
  /** The id of one of the series the model was trained on (many series). */
  id?: string;
  /**
   * The series to continue (at least seqLength + lag values). Default: the tail of the training
   * series, kept in the artifact.
   */
  history?: SeriesData;
}

export interface ForecastArgs extends SeriesArgs {
  /** Covariate values for the forecast steps, one array per covariate, `steps` long. */
  futureCovariates?: readonly ArrayLike<number>[];
  /** Seed of a band's sampled paths. Default: the options' seed. */
  seed?: number;
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
  /** With intervals: the share of the actual values (steps 1..steps) inside the band. */
  coverage?: number;
  /** The band's nominal coverage (0.8 for quantiles [0.1, ..., 0.9]). */
  level?: number;
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
  /** The ids of the series a global model was trained on; null for one series. */
  readonly ids: readonly string[] | null;
  /** The tail kept of the series `id` names (a global model), as `tail` is of one series. */
  tailOf(id: string): readonly number[];
  /** The training series' length, ends and range (for telling held-out data from training data). */
  readonly trained: TrainedSeries;
  metrics: Record<string, number>;
  /**
   * Rolling-origin evaluation on the values that follow the history (default: the training
   * series): from every origin (history + held-out values before it), forecast `steps` ahead.
   */
  evaluate(heldOut: SeriesData, args?: SeriesArgs & { steps?: number }): ForecastErrors;
  /** The next `steps` values after the history (recursive beyond the horizon). */
  forecast(steps: number, args?: ForecastArgs): Float64Array;
  /**
   * With intervals: the point forecast (the median, or the Gaussian's mean) and the band, each
   * step's quantiles of `samples` paths drawn from the head and fed back (seeded).
   */
  forecastBand(steps: number, args?: ForecastArgs): Band & { point: Float64Array };
  /**
   * The range [lo, hi] forecasts from `history` (default: the training tail) stay in: the range of
   * the training series and the history, widened by `rangeMargin` times its width on each side,
   * and never below 0 when none of those values is.
   */
  bounds(history?: readonly number[]): [number, number];
  save(dir: string): Promise<void>;
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
    head: { type: 'regression', outputs: o.horizon * valuesPerStep(o.intervals, o.quantiles) },
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

/** A series' state with its range: scaling, ends, min and max. */
export type RangedState = SeriesState & { min: number; max: number };

/**
 * One forecast origin: a history (values, and covariates with their future values appended), the
 * state of its series (scaling, range) and its constant features (one-hot id, or none).
 */
export interface Row extends Columns {
  state: RangedState;
  extra: readonly number[];
}

/**
 * Batched recursive forecasts: each row is a history; returns [rows][steps] forecasts, each value
 * clamped to the row's bounds before it is fed back. `u(row)` is the probability at which each
 * predicted step is read from the head (0.5, the default: the median, the mean or the point; a
 * uniform draw: a sampled path).
 */
export function forecastRows(
  model: tfl.LayersModel,
  o: ForecastingResolved,
  rows: readonly Row[],
  steps: number,
  u: (row: number) => number = () => 0.5,
): number[][] {
  if (rows.length === 0) return [];
  const F = 1 + rows[0]!.covariates.length + rows[0]!.extra.length;
  const K = valuesPerStep(o.intervals, o.quantiles);
  const lag = lagOf(o);
  const out = rows.map(() => [] as number[]);
  const series = rows.map((r) => r.values.slice());
  const bounds = rows.map((r) => boundsOf(r.state, r.values, o.rangeMargin));
  while (out[0]!.length < steps) {
    const x = new Float32Array(rows.length * o.seqLength * F);
    rows.forEach((r, i) => {
      const s = series[i]!;
      windowInto(x, i * o.seqLength * F, s, r.covariates, s.length, o, r.state, r.extra);
    });
    const y = tf.tidy(() => {
      const p = model.predict(tf.tensor3d(x, [rows.length, o.seqLength, F])) as tf.Tensor;
      return p.dataSync() as Float32Array; // [rows, horizon * K], scaled targets
    });
    rows.forEach((r, i) => {
      const s = series[i]!;
      const [lo, hi] = bounds[i]!;
      const { mean, std } = r.state;
      for (let h = 0; h < o.horizon && out[i]!.length < steps; h++) {
        const zs = valueAt(o.intervals, o.quantiles, y, (i * o.horizon + h) * K, u(i));
        const z = zs * std[0]! + mean[0]!;
        const v = Math.min(hi, Math.max(lo, lag > 0 ? s[s.length - lag]! + z : z));
        s.push(v);
        out[i]!.push(v);
      }
    });
  }
  return out;
}

/** A band: per quantile of `o.quantiles`, the forecast values at it; `lower`/`upper` the outermost. */
export interface Band {
  /** The quantiles reported, rising (the options' `quantiles`). */
  quantiles: readonly number[];
  /** [quantile][step] values. */
  values: Float64Array[];
  lower: Float64Array;
  upper: Float64Array;
  /** upper's quantile - lower's (0.8 for [0.1, ..., 0.9]). */
  level: number;
}

/** Rows forecast together when sampling (bounds the memory of a band over many origins). */
const BAND_ROWS = 4096;

/**
 * The band of each row by sampling: `o.samples` paths per row, each predicted step drawn from the
 * head's distribution (seeded by `seed`) and fed back, so the band widens as a recursive forecast
 * goes on; each step's band is the empirical quantiles of the paths.
 */
export function bandRows(
  model: tfl.LayersModel,
  o: ForecastingResolved,
  rows: readonly Row[],
  steps: number,
  seed: number,
): Band[] {
  const S = o.samples;
  const rng = mulberry32(seed);
  const per = Math.max(1, Math.floor(BAND_ROWS / S));
  const bands: Band[] = [];
  for (let r0 = 0; r0 < rows.length; r0 += per) {
    const chunk = rows.slice(r0, r0 + per);
    const paths = forecastRows(
      model,
      o,
      chunk.flatMap((r) => Array.from({ length: S }, () => r)),
      steps,
      () => Math.min(1 - 1e-9, Math.max(1e-9, rng())),
    );
    chunk.forEach((_, i) => {
      const values = o.quantiles.map(() => new Float64Array(steps));
      for (let t = 0; t < steps; t++) {
        const at = paths.slice(i * S, (i + 1) * S).map((p) => p[t]!);
        at.sort((a, b) => a - b);
        o.quantiles.forEach((q, k) => {
          values[k]![t] = empiricalQuantile(at, q);
        });
      }
      bands.push({
        quantiles: o.quantiles,
        values,
        lower: values[0]!,
        upper: values.at(-1)!,
        level: o.quantiles.at(-1)! - o.quantiles[0]!,
      });
    });
  }
  return bands;
}

/** One series to score: its values (history and held-out), where scoring starts, its row. */
export interface Scored {
  series: Columns;
  start: number;
  state: RangedState;
  extra: readonly number[];
}

/**
 * Rolling-origin errors: from every origin t of each series in [start, values.length - steps], the
 * forecast of `steps` values from values[0..t), against values[t..t + steps), pooled over the
 * series; with intervals, the share of those values inside the band too.
 */
export function rollingErrors(
  model: tfl.LayersModel,
  o: ForecastingResolved,
  scored: readonly Scored[],
  steps: number,
  withBand = false,
): ForecastErrors {
  const rows: Row[] = [];
  const actual: number[][] = [];
  for (const { series, start, state, extra } of scored) {
    const { values, covariates } = series;
    for (let t = start; t + steps <= values.length; t++) {
      rows.push({
        values: values.slice(0, t),
        covariates: covariates.map((c) => c.slice(0, t + steps)),
        state,
        extra,
      });
      actual.push(values.slice(t, t + steps));
    }
  }
  if (rows.length === 0) return { rmse: Number.NaN, rmseAll: Number.NaN, maeAll: 0, origins: 0 };
  const preds = forecastRows(model, o, rows, steps);
  let se = 0;
  let seAll = 0;
  let aeAll = 0;
  preds.forEach((p, i) => {
    p.forEach((v, h) => {
      const d = v - actual[i]![h]!;
      seAll += d * d;
      aeAll += Math.abs(d);
      if (h === steps - 1) se += d * d;
    });
  });
  const n = rows.length * steps;
  const errors: ForecastErrors = {
    rmse: Math.sqrt(se / rows.length),
    rmseAll: Math.sqrt(seAll / n),
    maeAll: aeAll / n,
    origins: rows.length,
  };
  if (withBand && o.intervals !== 'none') {
    let inside = 0;
    bandRows(model, o, rows, steps, o.seed).forEach((b, i) => {
      actual[i]!.forEach((v, h) => {
        if (v >= b.lower[h]! && v <= b.upper[h]!) inside++;
      });
    });
    errors.coverage = inside / n;
    errors.level = o.quantiles.at(-1)! - o.quantiles[0]!;
  }
  return errors;
}

/** The state with its range (older artifacts: the range of the tail they keep). */
function withRange(state: SeriesState): RangedState {
  return {
    ...state,
    min: state.min ?? Math.min(...state.tail),
    max: state.max ?? Math.max(...state.tail),
  };
}

/** The series a forecaster knows: one (ids null) or many, with a learned id embedding or not. */
export interface KnownSeries {
  ids: string[] | null;
  states: SeriesState[];
}

export function forecaster(
  model: tfl.LayersModel,
  o: ForecastingResolved,
  known: KnownSeries,
  metrics: Record<string, number>,
): Forecaster {
  const states = known.states.map(withRange);
  const ids = known.ids;
  const state = states[0]!;
  const C = state.covariateTails.length;
  const E = ids && o.seriesEmbedding ? ids.length : 0;
  const F = 1 + C + E;
  const lag = lagOf(o);
  const need = o.seqLength + lag;
  const oneHot = (i: number | null) => Array.from({ length: E }, (_, k) => (k === i ? 1 : 0));
  /** The series a call is about: by id, the only one, or (many series) a new one, its history. */
  const which = (args: SeriesArgs, what: string): { h: Columns; row: Omit<Row, keyof Columns> } => {
    let i: number | null = ids ? null : 0;
    if (args.id !== undefined) {
      i = ids ? ids.indexOf(String(args.id)) : -1;
      if (i < 0) {
        throw new TaskError(
          'BAD_OPTION',
          ids
            ? `unknown series id ${JSON.stringify(args.id)}: the model knows ${ids.length} series (${ids
                .slice(0, 5)
                .map((x) => JSON.stringify(x))
                .join(
                  ', ',
                )}${ids.length > 5 ? ', ...' : ''}); give one of them, or a history for a new series`
            : `id ${JSON.stringify(args.id)} given, but the model was trained on one series: leave id out`,
        );
      }
    } else if (ids && !args.history) {
      throw new TaskError(
        'BAD_OPTION',
        `the model knows ${ids.length} series: give an id (e.g. id: ${JSON.stringify(ids[0])}) or the history of a new series`,
      );
    }
    const ks = i === null ? null : states[i]!;
    const h = args.history
      ? columnsOf(args.history, what)
      : { values: ks!.tail, covariates: ks!.covariateTails };
    if (h.values.length < need) {
      throw new TaskError(
        'BAD_DATA',
        `${what} has ${h.values.length} values, expected at least ${need} (seqLength ${o.seqLength} + ${lag})`,
      );
    }
    if (h.covariates.length !== C) {
      throw new TaskError(
        'BAD_DATA',
        `${what} has ${h.covariates.length} covariate(s), the model reads ${C}`,
      );
    }
    // a new series is scaled by its own history, as each training series was by its own
    const s = ks ?? withRange(seriesState(h.values, h.covariates, h.values.length, o));
    return { h, row: { state: s, extra: oneHot(i) } };
  };
  const rowFor = (steps: number, args: ForecastArgs): Row => {
    const { h, row } = which(args, 'history');
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
    return { values: h.values, covariates: covs, ...row };
  };
  const task: Forecaster = {
    task: FORECASTING,
    options: o,
    model,
    ids,
    tail: state.tail,
    trained: {
      steps: state.steps ?? null,
      head: state.head ?? null,
      tail: state.tail,
      min: state.min,
      max: state.max,
    },
    metrics,
    tailOf(id) {
      return which({ id }, 'history').h.values;
    },
    forecast(steps, args = {}) {
      checkInt('steps', steps, 1, 'forecast(12)');
      return Float64Array.from(forecastRows(model, o, [rowFor(steps, args)], steps)[0]!);
    },
    forecastBand(steps, args = {}) {
      checkInt('steps', steps, 1, 'forecastBand(12)');
      if (o.intervals === 'none') {
        throw new TaskError(
          'BAD_OPTION',
          "this forecaster learnt points, not intervals: train it with intervals: 'quantile' or 'gaussian'",
        );
      }
      const row = rowFor(steps, args);
      const point = Float64Array.from(forecastRows(model, o, [row], steps)[0]!);
      return { point, ...bandRows(model, o, [row], steps, args.seed ?? o.seed)[0]! };
    },
    bounds(values) {
      return boundsOf(state, values ?? state.tail, o.rangeMargin);
    },
    evaluate(heldOut, args = {}) {
      const steps = checkInt('steps', args.steps ?? o.horizon, 1, 'steps: 12');
      const { h: before, row } = which(args, 'history');
      const test = columnsOf(heldOut, 'held-out data');
      if (test.covariates.length !== C) {
        throw new TaskError(
          'BAD_DATA',
          `held-out data has ${test.covariates.length} covariate(s), the model reads ${C}`,
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
      const scored = [{ series, start: before.values.length, ...row }];
      const m = rollingErrors(model, o, scored, steps, true);
      task.metrics = { ...task.metrics, ...m, steps };
      return m;
    },
    async save(dir) {
      await save(model, dir, {
        task: FORECASTING,
        topology: {
          builder: 'manyToOne',
          args: builderArgs(o, F) as unknown as Record<string, unknown>,
        },
        training: {
          config: {
            ...o,
            series: { ...known.states[0]! },
            ...(ids ? { many: { ids, states: known.states } } : {}),
          },
          metrics: task.metrics,
        },
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
    | (ForecastingResolved & { series: SeriesState; many?: KnownSeries })
    | undefined;
  if (!config?.series?.tail) {
    throw new TaskError(
      'BAD_ARTIFACT',
      'a forecasting artifact must hold its scaling and series tail (rnnkit.json training.config.series): save it again',
    );
  }
  const { series, many, ...o } = config;
  // artifacts saved before these options existed get their defaults
  const options: ForecastingResolved = {
    ...o,
    rangeMargin: o.rangeMargin ?? DEFAULT_RANGE_MARGIN,
    intervals: o.intervals ?? 'none',
    quantiles: o.quantiles ?? [...DEFAULT_QUANTILES],
    samples: o.samples ?? DEFAULT_SAMPLES,
    seriesEmbedding: o.seriesEmbedding ?? false,
  };
  const known = many ? { ids: many.ids, states: many.states } : { ids: null, states: [series] };
  return forecaster(loaded.model, options, known, loaded.meta.training?.metrics ?? {});
}
