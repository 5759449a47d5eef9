/**
 * Forecast intervals: the heads' losses (pinball loss over chosen quantiles, or the Gaussian
 * negative log-likelihood of a mean and a scale), what each head's outputs say about the next
 * value (its quantiles, a draw from it, its point), and the band of sampled paths.
 *
 * The model's output is [batch, horizon * K], K values per predicted step: the quantiles in
 * order (quantile head, K = number of quantiles), or the mean and the raw scale (Gaussian head,
 * K = 2: sigma = softplus(raw) + SIGMA_FLOOR), or the value (point head, K = 1).
 *
 * @example
 * ```ts
 * pinballLoss([0.1, 0.5, 0.9])(tf.tensor2d([[0, 0, 0]]), tf.tensor2d([[1]])).dataSync();
 * // [0.5]: (0.1 * 1 + 0.5 * 1 + 0.9 * 1) / 3
 * ```
 */
import type { LossFn } from '@rnnkit/training';
import * as tf from '@tensorflow/tfjs-core';
import { TaskError } from '../errors.js';

export const INTERVALS = ['none', 'quantile', 'gaussian'] as const;
export type IntervalsKind = (typeof INTERVALS)[number];
/** The quantiles a quantile head learns and a band reports by default: an 80% band and the median. */
export const DEFAULT_QUANTILES = [0.1, 0.5, 0.9] as const;
/** Sampled paths a band past the horizon is made of. */
export const DEFAULT_SAMPLES = 200;
/** The Gaussian head's smallest scale (scaled units): the NLL stays finite. */
export const SIGMA_FLOOR = 1e-3;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Values per predicted step for a head. */
export function valuesPerStep(kind: IntervalsKind, quantiles: readonly number[]): number {
  return kind === 'quantile' ? quantiles.length : kind === 'gaussian' ? 2 : 1;
}

/** Throws `BAD_OPTION` unless every quantile is in (0, 1) and they rise strictly. */
export function checkQuantiles(qs: unknown): number[] {
  const fix = 'give rising values strictly between 0 and 1, e.g. quantiles: [0.1, 0.5, 0.9]';
  if (!Array.isArray(qs) || qs.length === 0) {
    throw new TaskError(
      'BAD_OPTION',
      `quantiles must be a list of numbers, got ${JSON.stringify(qs)}: ${fix}`,
    );
  }
  qs.forEach((q, i) => {
    if (typeof q !== 'number' || !(q > 0 && q < 1)) {
      throw new TaskError(
        'BAD_OPTION',
        `quantile ${i} is ${JSON.stringify(q)}, expected a number in (0, 1): ${fix}`,
      );
    }
    if (i > 0 && q <= qs[i - 1]) {
      throw new TaskError(
        'BAD_OPTION',
        `quantiles must rise: ${qs[i - 1]} then ${q} (${JSON.stringify(qs)}): ${fix}`,
      );
    }
  });
  return qs as number[];
}

/**
 * Pinball (quantile) loss, the mean over batch, steps and quantiles of max(q e, (q - 1) e),
 * e = y - yhat_q (Koenker & Bassett 1978). output [batch, horizon * Q], target [batch, horizon].
 */
export function pinballLoss(quantiles: readonly number[]): LossFn {
  const Q = quantiles.length;
  return (output, target) =>
    tf.tidy(() => {
      const [b, H] = target.shape as [number, number];
      const pred = tf.reshape(output, [b, H, Q]);
      const e = tf.sub(tf.reshape(target, [b, H, 1]), pred); // [batch, horizon, Q]
      const q = tf.tensor1d(quantiles as number[]);
      return tf.mean(tf.maximum(tf.mul(q, e), tf.mul(tf.sub(q, 1), e))) as tf.Scalar;
    });
}

/**
 * Where the quantile head's point is: the index of 0.5 among the quantiles, or -1 (no 0.5, or 0.5
 * alone). With a point the quantile head is trained around it (see `trainForecasting`).
 */
export function medianIndex(quantiles: readonly number[]): number {
  return quantiles.length > 1 ? quantiles.indexOf(0.5) : -1;
}

/**
 * The pinball loss of every quantile but the median (index `m`): what the quantiles around a
 * point are trained on; the median's column gets no gradient. output [batch, horizon * Q].
 */
export function outerPinballLoss(quantiles: readonly number[], m: number): LossFn {
  const Q = quantiles.length;
  const rest = quantiles.map((_, k) => k).filter((k) => k !== m);
  const pinball = pinballLoss(rest.map((k) => quantiles[k]!));
  return (output, target) =>
    tf.tidy(() => {
      const [b, H] = target.shape as [number, number];
      const outer = tf.gather(tf.reshape(output, [b, H, Q]), rest, 2);
      return pinball(tf.reshape(outer, [b, H * rest.length]), target);
    });
}

/**
 * Gaussian negative log-likelihood, the mean over batch and steps of
 * log sigma + (y - mu)^2 / (2 sigma^2) + log(2 pi) / 2, sigma = softplus(raw) + SIGMA_FLOOR.
 * output [batch, horizon * 2] (mu, raw per step), target [batch, horizon].
 */
export const gaussianNll: LossFn = (output, target) =>
  tf.tidy(() => {
    const [b, H] = target.shape as [number, number];
    const p = tf.reshape(output, [b, H, 2]);
    const [mu, raw] = tf.split(p, 2, 2).map((t) => tf.reshape(t, [b, H]));
    const sigma = tf.add(tf.softplus(raw!), SIGMA_FLOOR);
    const z = tf.div(tf.sub(target, mu!), sigma);
    return tf.add(
      tf.mean(tf.add(tf.log(sigma), tf.mul(0.5, tf.square(z)))),
      HALF_LOG_2PI,
    ) as tf.Scalar;
  });

/** The head's loss. */
export function headLoss(
  kind: IntervalsKind,
  quantiles: readonly number[],
): LossFn | 'meanSquaredError' {
  return kind === 'quantile'
    ? pinballLoss(quantiles)
    : kind === 'gaussian'
      ? gaussianNll
      : 'meanSquaredError';
}

/**
 * The standard normal's inverse CDF (Acklam's rational approximation, absolute error below 1e-7 here),
 * for u in (0, 1).
 */
export function normalQuantile(u: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628274631,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowTail = (p: number) => {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  };
  if (u < 0.02425) return lowTail(u);
  if (u > 1 - 0.02425) return -lowTail(1 - u);
  const q = u - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * The value at probability u of the distribution a head's K outputs describe (scaled units):
 * Gaussian: mu + sigma Phi^-1(u). Quantile head: the learnt quantiles in rising order (around
 * the median when 0.5 is among them, see `centred`: they never cross), linear between them, and
 * past the outermost ones a normal tail whose scale matches the outermost pair. Point head: the
 * value.
 */
export function valueAt(
  kind: IntervalsKind,
  quantiles: readonly number[],
  out: ArrayLike<number>,
  offset: number,
  u: number,
): number {
  if (kind === 'none') return out[offset]!;
  if (kind === 'gaussian') {
    const sigma = Math.log1p(Math.exp(out[offset + 1]!)) + SIGMA_FLOOR;
    return out[offset]! + sigma * normalQuantile(u);
  }
  const Q = quantiles.length;
  const v = centred(
    Array.from({ length: Q }, (_, k) => out[offset + k]!),
    medianIndex(quantiles),
  );
  if (Q === 1) return v[0]!;
  const q0 = quantiles[0]!;
  const qK = quantiles[Q - 1]!;
  if (u <= q0 || u >= qK) {
    const scale = (v[Q - 1]! - v[0]!) / (normalQuantile(qK) - normalQuantile(q0));
    return u <= q0
      ? v[0]! + scale * (normalQuantile(u) - normalQuantile(q0))
      : v[Q - 1]! + scale * (normalQuantile(u) - normalQuantile(qK));
  }
  let k = 1;
  while (quantiles[k]! < u) k++;
  const w = (u - quantiles[k - 1]!) / (quantiles[k]! - quantiles[k - 1]!);
  return v[k - 1]! + w * (v[k]! - v[k - 1]!);
}

/**
 * A quantile head's values in rising order: sorted, so they never cross; with a median (index
 * m >= 0) it stays where it is, the values below it sorted and at most it, those above sorted and
 * at least it, so a quantile that crossed the point is read as the point.
 */
function centred(values: number[], m: number): number[] {
  if (m < 0) return values.sort((x, y) => x - y);
  const point = values[m]!;
  const below = values.slice(0, m).map((x) => Math.min(x, point));
  const above = values.slice(m + 1).map((x) => Math.max(x, point));
  return [...below.sort((x, y) => x - y), point, ...above.sort((x, y) => x - y)];
}

/** The q-quantile of sorted values (linear between order statistics, as numpy's default). */
export function empiricalQuantile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const j = Math.min(i + 1, sorted.length - 1);
  return sorted[i]! + (pos - i) * (sorted[j]! - sorted[i]!);
}
