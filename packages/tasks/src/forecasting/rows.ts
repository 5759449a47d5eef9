/**
 * Batched recursive forecasts, the engine under `Forecaster`: many histories (rows) forecast at
 * once, each value clamped to its row's range; bands by sampling paths from the head; and
 * rolling-origin errors (and a band's coverage) over one or many series.
 *
 * @example
 * ```ts
 * boundsOf({ min: 10, max: 110 }, [], 0.25); // [0, 135]: the seen range widened, not below 0
 * ```
 */
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { empiricalQuantile, valueAt, valuesPerStep } from './intervals.js';
import { type ForecastingResolved, lagOf } from './options.js';
import { type Columns, type SeriesState, windowInto } from './windows.js';

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
    const levels = rows.map((r, i) => {
      const s = series[i]!;
      return windowInto(x, i * o.seqLength * F, s, r.covariates, s.length, o, r.state, r.extra);
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
        const zs = valueAt(o.intervals, o.quantiles, y, (i * o.horizon + h) * K, u(i)) + levels[i]!;
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
