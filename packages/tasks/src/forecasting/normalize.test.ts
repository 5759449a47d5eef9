/**
 * `normalize: 'window'`: each window's target is taken relative to its own mean (its level), the
 * training targets too, and the level is added back to what the model predicts; the default with
 * the seasonal transform, whose window covers three seasons where the series is long enough.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import * as fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTask } from '../tasks.js';
import { useCpu, withTempDir } from '../test-helpers.js';
import { forecasting, forecastingDefaults } from './index.js';
import { forecastRows } from './rows.js';
import { seriesState, windowsOf } from './windows.js';

beforeAll(useCpu);

/** A model whose every output is 0: what it forecasts is the normalisation alone. */
const zeroModel = {
  predict: (x: tf.Tensor) => tf.zeros([x.shape[0]!, 1]),
} as unknown as tfl.LayersModel;

/** 8 years of a monthly series whose yearly growth rises: 1, 1.1, 1.2, ... per year. */
const rising = Array.from({ length: 96 }, (_, i) => {
  const year = Math.floor(i / 12);
  return 300 + year * (1 + 0.05 * year) + 3 * Math.sin((2 * Math.PI * i) / 12);
});

describe("forecasting with normalize: 'window'", () => {
  it('is the default with a season, with a window of three seasons where the series holds 8', () => {
    const co2 = forecastingDefaults(626, { season: 12 });
    expect(co2.line).toBe(
      'forecast: cell lstm, units 32, seqLength 36, epochs 100, horizon 1, normalize window (defaults for 626 time steps)',
    );
    expect(co2.resolved.transform).toBe('seasonal');
    // 287 steps hold fewer than 8 windows of 36: the size tier's window
    expect(forecastingDefaults(287, { season: 12 }).resolved.seqLength).toBe(24);
    expect(forecastingDefaults(288, { season: 12 }).resolved.seqLength).toBe(36);
    // the tier's window when it is longer than three seasons (a weekly season)
    expect(forecastingDefaults(626, { season: 7 }).resolved.seqLength).toBe(24);
    // many series: the shortest decides
    const many = forecastingDefaults(1540, { season: 12 }, { count: 14, shortest: 110 });
    expect(many.resolved).toMatchObject({ seqLength: 12, normalize: 'window' });
    // no season, or the transform set: the series' scaling alone
    expect(forecastingDefaults(626).resolved.normalize).toBe('series');
    expect(
      forecastingDefaults(626, { season: 12, transform: 'difference' }).resolved.normalize,
    ).toBe('series');
    const set = forecastingDefaults(626, { normalize: 'window', seqLength: 10 });
    expect(set.line).toBe(
      'forecast: cell lstm, units 32, seqLength 10 (set), epochs 100, horizon 1, normalize window (set) (defaults for 626 time steps)',
    );
    expect(() => forecastingDefaults(626, { normalize: 'mean' as never })).toThrow(
      "normalize must be one of 'window', 'series', got \"mean\"",
    );
  });

  it("takes inputs and targets relative to the window's mean: they add back to the series' (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 30, maxLength: 60 }),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        (values, seqLength, horizon) => {
          const base = { ...forecastingDefaults(values.length).resolved, seqLength, horizon };
          const state = seriesState(values, [], values.length, base);
          const span = {
            values,
            covariates: [],
            from: 1 + seqLength,
            to: values.length - 2,
            state,
          };
          const o = { ...base, normalize: 'window' as const };
          const w = windowsOf([span], o)!;
          const s = windowsOf([span], { ...base, normalize: 'series' as const })!;
          const [xw, yw, xs, ys] = [w.x, w.y, s.x, s.y].map(
            (t) => t.dataSync() as Float32Array,
          ) as [Float32Array, Float32Array, Float32Array, Float32Array];
          const n = w.x.shape[0];
          for (let r = 0; r < n; r++) {
            const window = xs.subarray(r * seqLength, (r + 1) * seqLength);
            const level = window.reduce((a, b) => a + b, 0) / seqLength;
            let sum = 0;
            for (let i = 0; i < seqLength; i++) {
              expect(xw[r * seqLength + i]!).toBeCloseTo(window[i]! - level, 4);
              sum += xw[r * seqLength + i]!;
            }
            expect(sum / seqLength).toBeCloseTo(0, 4);
            for (let h = 0; h < horizon; h++) {
              expect(yw[r * horizon + h]!).toBeCloseTo(ys[r * horizon + h]! - level, 4);
            }
          }
          tf.dispose([w.x, w.y, s.x, s.y]);
        },
      ),
      { numRuns: 30, seed: 7 },
    );
  });

  it("adds the level back: a model that predicts 0 forecasts last year's value plus the window's mean yearly change", () => {
    const o = { ...forecastingDefaults(96, { season: 12, seqLength: 24 }).resolved };
    expect(o.normalize).toBe('window');
    const state = seriesState(rising, [], 96, o);
    const row = { values: rising, covariates: [], state, extra: [] };
    const [ahead] = forecastRows(zeroModel, o, [row], 12);
    // each step: the mean of the window's 24 yearly changes (forecast ones fed back as they
    // come) added to the value a year before
    const values = rising.slice();
    const changes = values.map((v, i) => (i >= 12 ? v - values[i - 12]! : 0));
    ahead!.forEach((v) => {
      const meanChange = changes.slice(-24).reduce((a, b) => a + b, 0) / 24;
      const expected = values.at(-12)! + meanChange;
      expect(v).toBeCloseTo(expected, 4);
      values.push(expected);
      changes.push(meanChange);
    });
    // with the series' scaling a model that predicts 0 forecasts the training mean change
    const s = { ...o, normalize: 'series' as const };
    const [flat] = forecastRows(
      zeroModel,
      s,
      [{ ...row, state: seriesState(rising, [], 96, s) }],
      1,
    );
    const all = Array.from({ length: 84 }, (_, i) => rising[12 + i]! - rising[i]!);
    expect(flat![0]).toBeCloseTo(rising[84]! + all.reduce((a, b) => a + b, 0) / 84, 4);
  });

  it('saves the choice; an artifact saved before it existed loads with the series scaling', async () => {
    const f = await forecasting.train(
      rising,
      { season: 12, units: 4, seqLength: 12, epochs: 2, progressEvery: 1000 },
      { logger: () => {} },
    );
    expect(f.options.normalize).toBe('window');
    const ahead = f.forecast(6);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) f.forecast(6);
    expect(tf.memory().numTensors).toBe(before);
    await withTempDir(async (dir) => {
      await f.save(dir);
      const back = await loadTask(dir);
      if (back.task !== 'forecasting') throw new Error(`wrong task ${back.task}`);
      expect(back.options.normalize).toBe('window');
      expect(Array.from(back.forecast(6))).toEqual(Array.from(ahead));
      back.dispose();
      const file = join(dir, 'rnnkit.json');
      const meta = JSON.parse(await readFile(file, 'utf8'));
      delete meta.training.config.normalize;
      await writeFile(file, JSON.stringify(meta));
      const old = await loadTask(dir);
      if (old.task !== 'forecasting') throw new Error(`wrong task ${old.task}`);
      expect(old.options.normalize).toBe('series');
      old.dispose();
    });
    f.dispose();
  });
});
