import { createSchedule } from '@rnnkit/training';
import { describe, expect, it } from 'vitest';
import { scheduleFor } from './lr-schedule.js';

describe('scheduleFor', () => {
  it('cosine: warm-up, the full rate, then down to 5% at the last planned step', () => {
    const { schedule } = scheduleFor({ schedule: 'cosine', learningRate: 0.01 }, 1000);
    expect(schedule).toEqual({
      type: 'cosine',
      totalSteps: 1000,
      warmupSteps: 50,
      minLearningRate: 0.0005,
    });
    const s = createSchedule(schedule, 0.01);
    expect(s.learningRate(50)).toBeCloseTo(0.01, 8);
    expect(s.learningRate(1000)).toBeCloseTo(0.0005, 8);
    expect(scheduleFor({ schedule: 'cosine', learningRate: 0.01 }, 1e6).schedule).toMatchObject({
      warmupSteps: 100,
    });
  });

  it('constant: no schedule argument', () => {
    expect(scheduleFor({ schedule: 'constant', learningRate: 0.01 }, 1000)).toEqual({});
  });
});
