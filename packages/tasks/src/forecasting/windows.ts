/**
 * The series as the model sees it: the columns of the data checked, the transform (differences,
 * seasonal differences or levels) and the scaling, and the windows cut from it.
 *
 * @example
 * ```ts
 * const s = seriesState([1, 2, 4, 7], [], 4, { seqLength: 2, transform: 'difference', season: null });
 * s.tail; // [2, 4, 7]: seqLength + 1 values, where forecast() starts
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { TaskError } from '../errors.js';
import { type ForecastingResolved, lagOf, type SeriesData } from './options.js';

/** What the forecaster keeps besides the model: scaling, the series' ends and its range. */
export interface SeriesState {
  /** Mean and standard deviation per feature (target first), fit on the training part. */
  mean: number[];
  std: number[];
  /** The last seqLength + lag values of the series and of each covariate (lag: 1, season or 0). */
  tail: number[];
  covariateTails: number[][];
  /**
   * The first seqLength + lag values, the length, and the smallest and largest value of the
   * series the model was trained on (absent in artifacts saved before they were kept).
   */
  head?: number[];
  steps?: number;
  min?: number;
  max?: number;
}

export type Columns = { values: number[]; covariates: number[][] };

export function columnsOf(data: SeriesData, what: string): Columns {
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
        `${what}: value ${i} is ${v}, expected a finite number: fill the gaps in the series first`,
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

/** The modelled target at step t (t >= lag): the difference over `lag` steps, or the value. */
export function target(values: readonly number[], t: number, lag: number): number {
  return lag > 0 ? values[t]! - values[t - lag]! : values[t]!;
}

/**
 * x of the window ending before step `end` (exclusive): [seqLength, features], row-major, scaled:
 * feature 0 the (differenced) target, then the covariates, then `extra` (the same at every step:
 * a series' one-hot id). Returns the window's level, the scaled target's mean over the window
 * (0 unless `o.normalize` is 'window'), which feature 0 is taken relative to: the model's
 * targets are too, and its outputs get it back.
 */
export function windowInto(
  out: Float32Array,
  offset: number,
  values: readonly number[],
  covariates: readonly (readonly number[])[],
  end: number,
  o: Pick<ForecastingResolved, 'seqLength' | 'transform' | 'season' | 'normalize'>,
  s: Pick<SeriesState, 'mean' | 'std'>,
  extra: readonly number[] = [],
): number {
  const C = 1 + covariates.length;
  const F = C + extra.length;
  const lag = lagOf(o);
  let level = 0;
  if (o.normalize === 'window') {
    for (let i = 0; i < o.seqLength; i++) level += target(values, end - o.seqLength + i, lag);
    level = (level / o.seqLength - s.mean[0]!) / s.std[0]!;
  }
  for (let i = 0; i < o.seqLength; i++) {
    const t = end - o.seqLength + i;
    out[offset + i * F] = (target(values, t, lag) - s.mean[0]!) / s.std[0]! - level;
    covariates.forEach((c, k) => {
      out[offset + i * F + 1 + k] = (c[t]! - s.mean[k + 1]!) / s.std[k + 1]!;
    });
    extra.forEach((e, k) => {
      out[offset + i * F + C + k] = e;
    });
  }
  return level;
}

/** The origins `from .. to` (exclusive) of one series whose windows a batch takes. */
export interface WindowSpan {
  values: readonly number[];
  covariates: readonly (readonly number[])[];
  from: number;
  to: number;
  state: Pick<SeriesState, 'mean' | 'std'>;
  /** Features the same at every step (a series' one-hot id). */
  extra?: readonly number[];
}

/**
 * Windows with targets for every origin of every span, in order: x [n, seqLength, F],
 * y [n, horizon] (relative to each window's level with `normalize: 'window'`); null when no
 * origin fits. Spans of many series share F.
 */
export function windowsOf(
  spans: readonly WindowSpan[],
  o: ForecastingResolved,
): { x: tf.Tensor3D; y: tf.Tensor2D } | null {
  const live = spans.filter((s) => s.to > s.from);
  if (live.length === 0) return null;
  const F = 1 + live[0]!.covariates.length + (live[0]!.extra?.length ?? 0);
  const n = live.reduce((a, s) => a + s.to - s.from, 0);
  const lag = lagOf(o);
  const x = new Float32Array(n * o.seqLength * F);
  const y = new Float32Array(n * o.horizon);
  let r = 0;
  for (const sp of live) {
    const s = sp.state;
    for (let end = sp.from; end < sp.to; end++, r++) {
      const level = windowInto(
        x,
        r * o.seqLength * F,
        sp.values,
        sp.covariates,
        end,
        o,
        s,
        sp.extra,
      );
      for (let h = 0; h < o.horizon; h++) {
        y[r * o.horizon + h] = (target(sp.values, end + h, lag) - s.mean[0]!) / s.std[0]! - level;
      }
    }
  }
  return {
    x: tf.tensor3d(x, [n, o.seqLength, F]),
    y: tf.tensor2d(y, [n, o.horizon]),
  };
}

/** Windows with targets for origins `from .. to` (exclusive) of one series. */
export function windows(
  values: readonly number[],
  covariates: readonly (readonly number[])[],
  from: number,
  to: number,
  o: ForecastingResolved,
  state: Pick<SeriesState, 'mean' | 'std'>,
): { x: tf.Tensor3D; y: tf.Tensor2D } | null {
  return windowsOf([{ values, covariates, from, to, state }], o);
}

/** The list of series and their ids, when `data` holds many series; null for one series. */
export function manyOf(data: unknown): { ids: string[]; series: ArrayLike<number>[] } | null {
  if (Array.isArray(data)) {
    if (data.length === 0 || typeof data[0] === 'number') return null;
    return { ids: data.map((_, i) => String(i)), series: data as ArrayLike<number>[] };
  }
  if (typeof data !== 'object' || data === null || 'length' in data || 'values' in data) {
    return null;
  }
  if ('series' in data && Array.isArray((data as { series: unknown }).series)) {
    const d = data as { series: ArrayLike<number>[]; ids?: readonly string[] };
    const ids = d.ids ? d.ids.map(String) : d.series.map((_, i) => String(i));
    if (ids.length !== d.series.length || new Set(ids).size !== ids.length) {
      throw new TaskError(
        'BAD_DATA',
        `ids: ${ids.length} ids (${new Set(ids).size} distinct) for ${d.series.length} series: give one distinct id per series`,
      );
    }
    return { ids, series: d.series };
  }
  const entries = Object.entries(data as Record<string, ArrayLike<number>>);
  return { ids: entries.map(([k]) => k), series: entries.map(([, v]) => v) };
}

export function meanStd(xs: readonly number[]): [number, number] {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  return [mean, Math.sqrt(v) || 1];
}

/**
 * The state a forecaster keeps for a series of which the first `cut` values train it: scaling fit
 * on those, the series' ends, length and range.
 */
export function seriesState(
  values: readonly number[],
  covariates: readonly (readonly number[])[],
  cut: number,
  o: Pick<ForecastingResolved, 'seqLength' | 'transform' | 'season'>,
): SeriesState & { min: number; max: number } {
  const lag = lagOf(o);
  const targets: number[] = [];
  for (let t = lag; t < cut; t++) targets.push(target(values, t, lag));
  const stats = [meanStd(targets), ...covariates.map((c) => meanStd(c.slice(0, cut)))];
  const keep = o.seqLength + lag;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {
    mean: stats.map((m) => m[0]),
    std: stats.map((m) => m[1]),
    tail: values.slice(-keep),
    covariateTails: covariates.map((c) => c.slice(-keep)),
    head: values.slice(0, keep),
    steps: values.length,
    min,
    max,
  };
}
