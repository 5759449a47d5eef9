import { co2 } from '@rnnkit/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTask } from '../tasks.js';
import { lines, useCpu, withTempDir } from '../test-helpers.js';
import { forecasting, forecastingDefaults } from './index.js';

beforeAll(useCpu);

describe('forecasting', () => {
  it('trains on 20 years of CO2, evaluates 12-month forecasts, saves, loads and forecasts the same', async () => {
    const series = (await co2({ fillGaps: true })).data.values;
    const train = Array.from(series).slice(0, 240);
    const test = Array.from(series).slice(240, 276);
    const log = lines();
    const losses: number[] = [];
    const f = await forecasting.train(
      train,
      {
        units: 8,
        seqLength: 12,
        horizon: 3,
        epochs: 6,
        batchSize: 16,
        learningRate: 0.01,
        progressEvery: 1,
      },
      {
        logger: log.log,
        onEvent: (e) => {
          if (e.type === 'progress') losses.push(e.progress.loss);
        },
      },
    );
    expect(log.lines[0]).toBe(
      'forecast: cell lstm, units 8 (set), seqLength 12 (set), epochs 6 (set), horizon 3 (set), normalize series (defaults for 240 time steps)',
    );
    const head = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const tail = losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(tail).toBeLessThan(head);
    const before = tf.memory().numTensors;
    const m = f.evaluate(test, { steps: 12 });
    expect(m.origins).toBe(25);
    // CO2 swings about 6 ppm a year: a model that learnt anything stays well inside that
    expect(m.rmse).toBeLessThan(10);
    const ahead = f.forecast(30); // past the trained horizon: recursive
    expect(ahead).toHaveLength(30);
    expect(Math.abs(ahead[0]! - train.at(-1)!)).toBeLessThan(5);
    expect(tf.memory().numTensors).toBe(before);
    await withTempDir(async (dir) => {
      await f.save(dir);
      const back = await loadTask(dir);
      if (back.task !== 'forecasting') throw new Error(`wrong task ${back.task}`);
      expect(back.metrics.rmse).toBe(m.rmse);
      // the tail forecast() starts from: the end of the training series, kept in the artifact
      expect(back.tail).toEqual(f.tail);
      expect(f.tail.length).toBeGreaterThanOrEqual(f.options.seqLength);
      expect(f.tail.at(-1)).toBeCloseTo(train.at(-1)!, 6);
      const again = back.forecast(30);
      again.forEach((v, i) => {
        expect(v).toBeCloseTo(ahead[i]!, 4);
      });
      back.dispose();
    });
    f.dispose();
  });

  it('models year-on-year changes with a season, and forecasts past the horizon', async () => {
    const series = Array.from((await co2({ fillGaps: true })).data.values).slice(0, 200);
    const f = await forecasting.train(
      series,
      { units: 4, seqLength: 6, horizon: 2, season: 12, epochs: 2, progressEvery: 1000 },
      { logger: () => {} },
    );
    expect(f.options.transform).toBe('seasonal');
    const ahead = f.forecast(14);
    expect(ahead).toHaveLength(14);
    // a year-on-year model starts from the same month last year: within a few ppm of it
    expect(Math.abs(ahead[11]! - series.at(-1)!)).toBeLessThan(5);
    f.dispose();
    expect(() => forecastingDefaults(100, { transform: 'seasonal' })).not.toThrow();
    await expect(forecasting.train(series, { transform: 'seasonal' })).rejects.toThrow(
      /needs the season length: give season/,
    );
  });

  it('reports validation RMSE and MAE in the data units every epoch, and keeps the last in metrics', async () => {
    // a series in the thousands: a scaled error would be near 1, the data's near the noise
    const series = Array.from({ length: 120 }, (_, i) => 5000 + 400 * Math.sin(i / 4));
    const epochs: Record<string, number>[] = [];
    const f = await forecasting.train(
      series,
      { units: 4, seqLength: 8, epochs: 3, progressEvery: 1000, validationShare: 0.2 },
      {
        logger: () => {},
        onEvent: (e) => {
          if (e.type === 'epoch' && e.validation) epochs.push(e.validation.metrics);
        },
      },
    );
    expect(epochs).toHaveLength(3);
    for (const m of epochs) {
      expect(Object.keys(m).sort()).toEqual(['loss', 'mae', 'rmse']);
      expect(m['mae']!).toBeLessThanOrEqual(m['rmse']!);
    }
    // the metrics are the errors of forecast() from each validation origin, recomputed here
    const origins = f.metrics['validationOrigins']!;
    expect(origins).toBe(24);
    let se = 0;
    let ae = 0;
    for (let t = 96; t < 120; t++) {
      const p = f.forecast(1, { history: series.slice(0, t) })[0]!;
      se += (p - series[t]!) ** 2;
      ae += Math.abs(p - series[t]!);
    }
    expect(f.metrics['validationRmse']).toBeCloseTo(Math.sqrt(se / 24), 6);
    expect(f.metrics['validationMae']).toBeCloseTo(ae / 24, 6);
    expect(f.metrics['validationFrom']).toBe(96);
    await withTempDir(async (dir) => {
      await f.save(dir);
      const back = await loadTask(dir);
      expect(back.metrics['validationRmse']).toBe(f.metrics['validationRmse']);
      back.dispose();
    });
    f.dispose();
  });
});
