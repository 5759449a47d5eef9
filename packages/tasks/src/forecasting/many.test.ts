/**
 * One global model over many series: each series scaled by itself, forecast by id, a new series
 * forecast from its history without retraining, a bad id refused, the artifact round trip.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-helpers.js';
import { forecasting, restoreForecasting } from './index.js';

beforeAll(useCpu);

const quiet = { logger: () => {} };

/** A yearly cycle of height `amp` around `level`, monthly. */
function cycle(n: number, level: number, amp: number, phase = 0): number[] {
  return Array.from(
    { length: n },
    (_, i) => level + amp * Math.sin((2 * Math.PI * i) / 12 + phase),
  );
}

describe('global forecaster', () => {
  const OPTS = {
    units: 8,
    seqLength: 12,
    epochs: 60,
    batchSize: 32,
    transform: 'none',
    learningRate: 1e-2,
    progressEvery: 1000,
  } as const;

  it('learns the shape of many series at their own scales, by id and for a new series', async () => {
    const before = tf.memory().numTensors;
    const series = { a: cycle(120, 10, 1), b: cycle(120, 500, 50), c: cycle(120, -3, 0.1) };
    const f = await forecasting.train(series, { ...OPTS, seriesEmbedding: true }, quiet);
    expect(f.ids).toEqual(['a', 'b', 'c']);
    // 'b' continues at its level and height: the next 12 months of the cycle
    const next = cycle(132, 500, 50).slice(120);
    const fb = f.forecast(12, { id: 'b' });
    const rmseB = Math.sqrt(next.reduce((a, v, i) => a + (v - fb[i]!) ** 2, 0) / 12);
    expect(rmseB).toBeLessThan(50 * 0.3); // within 30% of its height
    // a new series, never seen: forecast from its history, scaled by itself
    const fresh = cycle(48, 2000, 200, 1);
    const fn = f.forecast(12, { history: fresh });
    const want = cycle(60, 2000, 200, 1).slice(48);
    const rmseN = Math.sqrt(want.reduce((a, v, i) => a + (v - fn[i]!) ** 2, 0) / 12);
    expect(rmseN).toBeLessThan(200 * 0.4);
    // evaluate by id on held-out values
    const m = f.evaluate(next, { id: 'b', steps: 12 });
    expect(m.origins).toBe(1);
    expect(m.rmseAll).toBeCloseTo(rmseB, 6);
    f.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('refuses an unknown id, and a call that names no series', async () => {
    const f = await forecasting.train(
      [cycle(40, 1, 1), cycle(40, 2, 1)],
      { ...OPTS, epochs: 1 },
      quiet,
    );
    expect(f.ids).toEqual(['0', '1']);
    expect(() => f.forecast(3, { id: 'x' })).toThrow(
      /unknown series id "x": the model knows 2 series \("0", "1"\)/,
    );
    expect(() => f.forecast(3)).toThrow(/give an id \(e.g. id: "0"\) or the history/);
    expect(() => f.evaluate([1, 2, 3], { id: 'nope', steps: 3 })).toThrow(/unknown series id/);
    f.dispose();
    const one = await forecasting.train(cycle(40, 1, 1), { ...OPTS, epochs: 1 }, quiet);
    expect(() => one.forecast(3, { id: '0' })).toThrow(/trained on one series: leave id out/);
    one.dispose();
    await expect(
      forecasting.train({ series: [cycle(40, 1, 1)], ids: ['a', 'b'] }, OPTS, quiet),
    ).rejects.toThrow(/2 ids \(2 distinct\) for 1 series/);
    await expect(
      forecasting.train({ long: cycle(40, 1, 1), short: [1, 2, 3] }, OPTS, quiet),
    ).rejects.toThrow(/series "short" has 3 values/);
  });

  it('saves and loads: the same forecasts by id, with bands', async () => {
    const f = await forecasting.train(
      { x: cycle(60, 0, 1), y: cycle(60, 5, 2) },
      { ...OPTS, epochs: 2, seriesEmbedding: true, intervals: 'gaussian', samples: 50 },
      quiet,
    );
    const dir = await mkdtemp(join(tmpdir(), 'rnnkit-many-'));
    try {
      await f.save(dir);
      const g = restoreForecasting(await load(`file://${dir}`));
      expect(g.ids).toEqual(['x', 'y']);
      expect(Array.from(g.forecast(6, { id: 'y' }))).toEqual(
        Array.from(f.forecast(6, { id: 'y' })),
      );
      expect(Array.from(g.forecastBand(6, { id: 'x' }).upper)).toEqual(
        Array.from(f.forecastBand(6, { id: 'x' }).upper),
      );
      g.dispose();
    } finally {
      f.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
