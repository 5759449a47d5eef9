/**
 * Long recursive forecasts stay within the stated range (`Forecaster.bounds`: the seen range
 * widened by `rangeMargin` of its width on each side, never below 0 for a series that never was),
 * on bounded series shaped like the yearly sunspot numbers and the Nile's yearly flow, and on
 * random bounded series.
 */

import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import * as fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-helpers.js';
import { type Forecaster, forecasting } from './index.js';
import { boundsOf } from './predict.js';

beforeAll(useCpu);

const TINY = { units: 4, seqLength: 8, epochs: 2, progressEvery: 1000 } as const;
const quiet = { logger: () => {} };

/** Yearly sunspot-like counts: an 11-year cycle of varying height, >= 0 (record about 190). */
function sunspotLike(n: number, seed: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const height = 80 + 100 * r();
    return Math.max(0, height * Math.sin((Math.PI * i) / 11) ** 2 + 10 * (r() - 0.5));
  });
}

/** Nile-like yearly flow: a level near 1000 that shifts down once, with AR(1) noise. */
function nileLike(n: number, seed: number): number[] {
  const r = mulberry32(seed);
  let e = 0;
  return Array.from({ length: n }, (_, i) => {
    e = 0.5 * e + 150 * (r() - 0.5);
    return (i < n / 3 ? 1100 : 850) + e;
  });
}

/** Points the last layer's output at a constant: `value` (scaled) whatever the input. */
function constantOutput(model: tfl.LayersModel, value: number): void {
  const dense = model.layers.at(-1)!;
  const [kernel, bias] = dense.getWeights();
  dense.setWeights([tf.zerosLike(kernel!), tf.fill(bias!.shape, value)]);
}

function expectWithin(values: ArrayLike<number>, [lo, hi]: [number, number]): void {
  for (const v of Array.from(values)) {
    expect(v).toBeGreaterThanOrEqual(lo);
    expect(v).toBeLessThanOrEqual(hi);
  }
}

describe('forecast bounds', () => {
  it('states the rule: the seen range widened by the margin, never below 0 for counts', () => {
    expect(boundsOf({ min: 10, max: 110 }, [], 0.25)).toEqual([0, 135]);
    expect(boundsOf({ min: 50, max: 150 }, [], 0.25)).toEqual([25, 175]);
    expect(boundsOf({ min: -10, max: 10 }, [], 0.5)).toEqual([-20, 20]);
    // a history outside the training range widens it (a trending series keeps its level)
    expect(boundsOf({ min: 50, max: 150 }, [140, 250], 0.25)).toEqual([0, 300]);
  });

  it.each([
    ['sunspot-like', () => sunspotLike(250, 1), 'none' as const],
    ['sunspot-like', () => sunspotLike(250, 2), 'difference' as const],
    ['Nile-like', () => nileLike(100, 3), 'difference' as const],
  ])('a %s series forecast 300 steps (%#) stays in its bounds', async (_, make, transform) => {
    const series = make();
    const f = await forecasting.train(series, { ...TINY, transform }, quiet);
    const [lo, hi] = f.bounds();
    const min = Math.min(...series);
    const max = Math.max(...series);
    expect(lo).toBe(Math.max(0, min - 0.25 * (max - min)));
    expect(hi).toBeCloseTo(max + 0.25 * (max - min), 9);
    const before = tf.memory().numTensors;
    expectWithin(f.forecast(300), [lo, hi]);
    expect(tf.memory().numTensors).toBe(before);
    f.dispose();
  });

  it('clamps a model that drifts: a constant rise stops at the upper bound', async () => {
    const series = sunspotLike(120, 4);
    const f = await forecasting.train(series, { ...TINY, transform: 'difference' }, quiet);
    constantOutput(f.model, 5); // +5 standard deviations of the yearly change, every year
    const [, hi] = f.bounds();
    const ahead = f.forecast(300);
    expect(ahead[299]).toBe(hi);
    expectWithin(ahead, f.bounds());
    // without the clamp (a huge margin) the same model runs away
    const free = await forecasting.train(
      series,
      { ...TINY, transform: 'difference', rangeMargin: 1e6 },
      quiet,
    );
    constantOutput(free.model, 5);
    expect(free.forecast(300)[299]).toBeGreaterThan(hi * 5);
    f.dispose();
    free.dispose();
  });

  it('holds for random bounded series (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.double({ min: 0.1, max: 500, noNaN: true }),
        fc.constantFrom('difference' as const, 'none' as const),
        async (seed, offset, scale, transform) => {
          const r = mulberry32(seed);
          const n = 40 + Math.floor(r() * 60);
          const series = Array.from({ length: n }, () => offset + scale * r());
          const f: Forecaster = await forecasting.train(
            series,
            { units: 3, seqLength: 5, epochs: 1, progressEvery: 1000, transform, seed },
            quiet,
          );
          try {
            const [lo, hi] = f.bounds();
            const min = Math.min(...series);
            const max = Math.max(...series);
            expect(hi - max).toBeCloseTo(0.25 * (max - min), 6);
            expect(lo).toBeLessThanOrEqual(min);
            expectWithin(f.forecast(300), [lo, hi]);
          } finally {
            f.dispose();
          }
        },
      ),
      { numRuns: 6, seed: 19 },
    );
  });
});
