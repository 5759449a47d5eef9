import { describe, expect, it } from 'vitest';
import { createSchedule } from './schedules.js';

const at = (s: ReturnType<typeof createSchedule>, steps: number[]) =>
  steps.map((k) => +s.learningRate(k).toFixed(6));

describe('createSchedule', () => {
  it('constant by default', () => {
    expect(at(createSchedule(undefined, 0.1), [0, 100])).toEqual([0.1, 0.1]);
  });

  it('step decay: base * gamma^floor(step / stepSize)', () => {
    expect(at(createSchedule({ type: 'step', stepSize: 2, gamma: 0.5 }, 1), [0, 1, 2, 5])).toEqual([
      1, 1, 0.5, 0.25,
    ]);
  });

  it('exponential, smooth and staircase', () => {
    const smooth = createSchedule({ type: 'exponential', decayRate: 0.5, decaySteps: 2 }, 1);
    expect(at(smooth, [0, 1, 2])).toEqual([1, +Math.SQRT1_2.toFixed(6), 0.5]);
    const stairs = createSchedule(
      { type: 'exponential', decayRate: 0.5, decaySteps: 2, staircase: true },
      1,
    );
    expect(at(stairs, [1, 2, 3])).toEqual([1, 0.5, 0.5]);
  });

  it('cosine with warm-up', () => {
    const s = createSchedule({ type: 'cosine', warmupSteps: 2, totalSteps: 10 }, 0.1);
    expect(at(s, [0, 1, 2, 6, 10, 50])).toEqual([0.05, 0.1, 0.1, 0.05, 0, 0]);
    const floor = createSchedule({ type: 'cosine', totalSteps: 4, minLearningRate: 0.01 }, 0.1);
    expect(at(floor, [4])).toEqual([0.01]);
    expect(() => createSchedule({ type: 'cosine', warmupSteps: 5, totalSteps: 5 }, 0.1)).toThrow(
      /warmupSteps \(5\) must be less than totalSteps/,
    );
  });

  it('reduce-on-plateau lowers the rate after `patience` evaluations without improvement', () => {
    const s = createSchedule({ type: 'plateau', factor: 0.5, patience: 2, minDelta: 0 }, 1);
    expect(s.observe(1)).toBe(false); // first value is the best so far
    expect(s.observe(1)).toBe(false); // wait 1 < patience
    expect(s.observe(1)).toBe(true); // wait 2 = patience: halve (Keras: wait >= patience)
    expect(s.learningRate(123)).toBe(0.5);
    expect(s.observe(0.1)).toBe(false); // an improvement resets the wait
    const saved = s.state();
    const t = createSchedule({ type: 'plateau', factor: 0.5, patience: 2, minDelta: 0 }, 1);
    t.restore(saved);
    expect(t.learningRate(0)).toBe(0.5);
    expect(t.state()).toEqual(saved);
  });

  it('reduce-on-plateau honours cooldown and the minimum', () => {
    const s = createSchedule(
      { type: 'plateau', factor: 0.1, patience: 1, cooldown: 2, minLearningRate: 0.05 },
      1,
    );
    s.observe(1);
    expect(s.observe(2)).toBe(true);
    expect(s.learningRate(0)).toBe(0.1);
    expect(s.observe(2)).toBe(false); // cooling down (2 -> 1)
    expect(s.observe(2)).toBe(true); // cool-down over: 0.1 * 0.1 floored at 0.05
    expect(s.learningRate(0)).toBe(0.05);
    expect(s.observe(2)).toBe(false);
    expect(s.observe(2)).toBe(false); // at the minimum
    expect(s.learningRate(0)).toBe(0.05);
  });

  it('rejects bad configurations', () => {
    expect(() => createSchedule({ type: 'step', stepSize: 0 }, 1)).toThrow(
      /stepSize must be an integer >= 1/,
    );
    expect(() => createSchedule({ type: 'plateau', factor: 1 }, 1)).toThrow(/factor must be < 1/);
    expect(() => createSchedule({ type: 'linear' } as never, 1)).toThrow(
      /unknown schedule "linear"/,
    );
  });
});
