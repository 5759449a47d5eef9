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
 * feature 0 the (differenced) target, then the covariates.
 */
export function windowInto(
  out: Float32Array,
  offset: number,
  values: readonly number[],
  covariates: readonly (readonly number[])[],
  end: number,
  o: ForecastingResolved,
  s: Pick<SeriesState, 'mean' | 'std'>,
): void {
  const F = 1 + covariates.length;
  const lag = lagOf(o);
  for (let i = 0; i < o.seqLength; i++) {
    const t = end - o.seqLength + i;
    out[offset + i * F] = (target(values, t, lag) - s.mean[0]!) / s.std[0]!;
    covariates.forEach((c, k) => {
      out[offset + i * F + 1 + k] = (c[t]! - s.mean[k + 1]!) / s.std[k + 1]!;
    });
  }
}

/** Windows with targets for origins `from .. to` (exclusive): x [n, seqLength, F], y [n, horizon]. */
export function windows(
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
  const lag = lagOf(o);
  const x = new Float32Array(n * o.seqLength * F);
  const y = new Float32Array(n * o.horizon);
  for (let r = 0; r < n; r++) {
    const end = from + r;
    windowInto(x, r * o.seqLength * F, values, covariates, end, o, s);
    for (let h = 0; h < o.horizon; h++) {
      y[r * o.horizon + h] = (target(values, end + h, lag) - s.mean[0]!) / s.std[0]!;
    }
  }
  return {
    x: tf.tensor3d(x, [n, o.seqLength, F]),
    y: tf.tensor2d(y, [n, o.horizon]),
  };
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
