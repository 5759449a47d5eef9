/**
 * Forecast intervals: the heads' losses against their formulas, the inverse normal CDF against
 * known values, bad quantiles refused, and bands that cover what they say on series of known
 * noise (iid noise: a flat band of the noise's quantiles; a random walk: a band that widens as
 * the square root of the steps, by sampling).
 */
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-helpers.js';
import { forecasting } from './index.js';
import {
  checkQuantiles,
  gaussianNll,
  medianIndex,
  normalQuantile,
  outerPinballLoss,
  pinballLoss,
  valueAt,
} from './intervals.js';

beforeAll(useCpu);

const quiet = { logger: () => {} };

/** n draws of N(mean, sd) (Box-Muller over mulberry32). */
function normals(n: number, mean: number, sd: number, seed: number): number[] {
  const r = mulberry32(seed);
  return Array.from(
    { length: n },
    () => mean + sd * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()),
  );
}

describe('interval losses', () => {
  it('pinball loss is the mean of max(q e, (q - 1) e) over batch, steps and quantiles', () => {
    const qs = [0.1, 0.5, 0.9];
    // one example, one step, target 1, predicted quantiles 0, 1, 3: e = 1, 0, -2
    // losses 0.1 * 1, 0, (0.9 - 1) * -2 = 0.2 -> mean (0.1 + 0 + 0.2) / 3
    const l = pinballLoss(qs)(tf.tensor2d([[0, 1, 3]]), tf.tensor2d([[1]]));
    expect(l.dataSync()[0]).toBeCloseTo(0.1, 6);
    // two examples, two steps each: e per value by hand
    const out = tf.tensor2d([
      [0, 0, 0, 2, 2, 2],
      [1, 1, 1, -1, 0, 1],
    ]);
    const y = tf.tensor2d([
      [1, 2],
      [0, 0],
    ]);
    const by = (e: number, q: number) => Math.max(q * e, (q - 1) * e);
    const es = [
      [1, 1, 1, 0, 0, 0],
      [-1, -1, -1, 1, 0, -1],
    ];
    const want =
      es.flatMap((row) => row.map((e, i) => by(e, qs[i % 3]!))).reduce((a, b) => a + b) / 12;
    expect(pinballLoss(qs)(out, y).dataSync()[0]).toBeCloseTo(want, 6);
    tf.dispose([l, out, y]);
  });

  it('the quantiles around a point: pinball over all but the median, no gradient to the median', () => {
    expect(medianIndex([0.1, 0.5, 0.9])).toBe(1);
    expect(medianIndex([0.05, 0.25, 0.5, 0.75, 0.95])).toBe(2);
    expect(medianIndex([0.1, 0.9])).toBe(-1);
    expect(medianIndex([0.5])).toBe(-1);
    const qs = [0.1, 0.5, 0.9];
    // two steps, target 1 and 2; quantiles (0, 5, 3) and (4, -7, 1): e = 1, -2 and -2, 1
    const out = tf.tensor2d([[0, 5, 3, 4, -7, 1]]);
    const y = tf.tensor2d([[1, 2]]);
    // 0.1 * 1, (0.9 - 1) * -2 = 0.2, (0.1 - 1) * -2 = 1.8, 0.9 * 1 -> mean of 4
    const l = outerPinballLoss(qs, 1)(out, y);
    expect(l.dataSync()[0]).toBeCloseTo((0.1 + 0.2 + 1.8 + 0.9) / 4, 6);
    const g = tf.grad((o: tf.Tensor) => outerPinballLoss(qs, 1)(o, y))(out);
    // d/d yhat: -q when e > 0, 1 - q when e < 0, over 4 values; the medians' columns get 0
    const want = [-0.1 / 4, 0, 0.1 / 4, 0.9 / 4, 0, -0.9 / 4];
    for (const [i, v] of g.dataSync().entries()) expect(v).toBeCloseTo(want[i]!, 6);
    tf.dispose([out, y, l, g]);
  });

  it('Gaussian NLL is log sigma + (y - mu)^2 / (2 sigma^2) + log(2 pi) / 2, sigma = softplus', () => {
    const rows = [
      [0.5, -1, 1.5],
      [2, 0.3, -0.7],
    ]; // mu, raw, y
    const out = tf.tensor2d(rows.map(([mu, raw]) => [mu!, raw!]));
    const y = tf.tensor2d(rows.map((r) => [r[2]!]));
    const nll = rows.map(([mu, raw, v]) => {
      const sigma = Math.log1p(Math.exp(raw!)) + 1e-3;
      return Math.log(sigma) + (v! - mu!) ** 2 / (2 * sigma ** 2) + 0.5 * Math.log(2 * Math.PI);
    });
    const l = gaussianNll(out, y);
    expect(l.dataSync()[0]).toBeCloseTo((nll[0]! + nll[1]!) / 2, 5);
    tf.dispose([out, y, l]);
  });

  it('inverts the normal CDF (scipy.stats.norm.ppf values) and reads each head', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 6);
    expect(normalQuantile(0.1)).toBeCloseTo(-1.2815515655446004, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 6);
    // quantile head: sorted, linear between quantiles, normal tails beyond
    const qs = [0.1, 0.5, 0.9];
    // around the median (-1): the 0.1 quantile that crossed it (3) is read as it, 0.9 stays 1
    expect(valueAt('quantile', qs, [3, -1, 1], 0, 0.5)).toBe(-1);
    expect(valueAt('quantile', qs, [3, -1, 1], 0, 0.1)).toBe(-1);
    expect(valueAt('quantile', qs, [3, -1, 1], 0, 0.9)).toBe(1);
    expect(valueAt('quantile', qs, [-2, -1, -3], 0, 0.9)).toBe(-1);
    // without a median: sorted
    expect(valueAt('quantile', [0.1, 0.9], [3, -1], 0, 0.1)).toBe(-1);
    expect(valueAt('quantile', qs, [-1, 1, 3], 0, 0.3)).toBeCloseTo(0, 9);
    expect(valueAt('quantile', qs, [-1, 1, 3], 0, 0.05)).toBeCloseTo(
      -1 + (4 / (2 * normalQuantile(0.9))) * (normalQuantile(0.05) - normalQuantile(0.1)),
      9,
    );
    // Gaussian head: mu + sigma z
    const sigma = Math.log1p(Math.exp(0.2)) + 1e-3;
    expect(valueAt('gaussian', qs, [2, 0.2], 0, 0.9)).toBeCloseTo(2 + sigma * 1.28155156554, 6);
  });

  it('refuses quantiles out of (0, 1) or not rising, with a typed error', async () => {
    expect(() => checkQuantiles([0, 0.5])).toThrow(
      /quantile 0 is 0, expected a number in \(0, 1\)/,
    );
    expect(() => checkQuantiles([0.5, 1.2])).toThrow(/quantile 1 is 1.2/);
    expect(() => checkQuantiles([0.9, 0.1])).toThrow(/quantiles must rise: 0.9 then 0.1/);
    expect(() => checkQuantiles([])).toThrow(/quantiles must be a list/);
    await expect(
      forecasting.train(normals(100, 0, 1, 1), { intervals: 'quantile', quantiles: [0.5, 0.5] }),
    ).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(
      forecasting.train(normals(100, 0, 1, 1), { intervals: 'beta' as never }),
    ).rejects.toThrow("intervals must be one of 'none', 'quantile', 'gaussian'");
  });
});

describe('forecast bands', () => {
  const SMALL = { units: 8, seqLength: 6, epochs: 40, batchSize: 32, progressEvery: 1000 };

  it.each(['quantile', 'gaussian'] as const)(
    'iid N(5, 2): the %s head learns the 80 percent band 5 +- 2.56 and covers 0.7-0.9 of held-out values',
    async (intervals) => {
      const values = normals(600, 5, 2, 7);
      const before = tf.memory().numTensors;
      const f = await forecasting.train(
        values.slice(0, 500),
        { ...SMALL, transform: 'none', intervals, learningRate: 1e-2 },
        quiet,
      );
      const b = f.forecastBand(3);
      // the true 10% and 90% quantiles: 5 -+ 2 * 1.2816
      expect(b.lower[0]).toBeGreaterThan(5 - 2.563 - 0.6);
      expect(b.lower[0]).toBeLessThan(5 - 2.563 + 0.6);
      expect(b.upper[0]).toBeGreaterThan(5 + 2.563 - 0.6);
      expect(b.upper[0]).toBeLessThan(5 + 2.563 + 0.6);
      expect(b.level).toBeCloseTo(0.8, 9);
      const m = f.evaluate(values.slice(500), { steps: 3 });
      expect(m.coverage).toBeGreaterThan(0.7);
      expect(m.coverage).toBeLessThan(0.9);
      // the same seed gives the same band
      expect(Array.from(f.forecastBand(3).upper)).toEqual(Array.from(b.upper));
      f.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
    240_000,
  );

  it('a random walk: the sampled band widens as the square root of the steps', async () => {
    const steps = normals(800, 0, 1, 3);
    const walk: number[] = [];
    let level = 100;
    for (const s of steps) walk.push((level += s));
    const f = await forecasting.train(
      walk,
      { ...SMALL, intervals: 'quantile', learningRate: 1e-2, samples: 400, rangeMargin: 10 },
      quiet,
    );
    const b = f.forecastBand(9);
    const width = (t: number) => b.upper[t]! - b.lower[t]!;
    // one step: 2 * 1.2816 * 1; nine steps: sqrt(9) times as wide
    expect(width(0)).toBeGreaterThan(2.563 * 0.7);
    expect(width(0)).toBeLessThan(2.563 * 1.3);
    expect(width(8) / width(0)).toBeGreaterThan(2.2);
    expect(width(8) / width(0)).toBeLessThan(3.8);
    // the median path and the point agree at the first step (both the head's median)
    expect(b.values[1]![0]).toBeCloseTo(b.point[0]!, 0);
    f.dispose();
  }, 240_000);

  it('with 0.5 among the quantiles the band is centred on the point forecast of the same options', async () => {
    // made by this test: the point model and the quantile model of the same options and seed
    const values = normals(400, 5, 2, 11).map((v, i) => v + 3 * Math.sin((2 * Math.PI * i) / 12));
    const options = { ...SMALL, epochs: 15, season: 12, learningRate: 1e-2 };
    const before = tf.memory().numTensors;
    const point = await forecasting.train(values.slice(0, 340), options, quiet);
    const band = await forecasting.train(
      values.slice(0, 340),
      { ...options, intervals: 'quantile' },
      quiet,
    );
    const p = point.forecast(12);
    const b = band.forecastBand(12);
    // the median IS the point: the same numbers (float32 weights copied, the same arithmetic)
    for (const [t, v] of b.point.entries()) expect(v).toBeCloseTo(p[t]!, 5);
    const mp = point.evaluate(values.slice(340), { steps: 3 });
    const mb = band.evaluate(values.slice(340), { steps: 3 });
    expect(mb.rmse).toBeCloseTo(mp.rmse, 5);
    expect(mb.rmseAll).toBeCloseTo(mp.rmseAll, 5);
    // the outer quantiles learnt around it: below and above the median at the first step
    expect(b.lower[0]).toBeLessThan(b.point[0]!);
    expect(b.upper[0]).toBeGreaterThan(b.point[0]!);
    // every layer as trainable again as the point model's (the artifact is not left frozen)
    expect(band.model.layers.map((l) => l.trainable)).toEqual(
      point.model.layers.map((l) => l.trainable),
    );
    point.dispose();
    band.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 240_000);

  it('a point forecaster has no band: a typed error says how to get one', async () => {
    const f = await forecasting.train(
      normals(60, 0, 1, 2),
      { units: 2, seqLength: 4, epochs: 1 },
      quiet,
    );
    expect(() => f.forecastBand(3)).toThrow(/train it with intervals: 'quantile' or 'gaussian'/);
    f.dispose();
  });
});
