import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTask, pipeline } from '../tasks.js';
import { lines, useCpu, withTempDir } from '../test-helpers.js';
import { sequenceSum } from './index.js';

beforeAll(useCpu);

/** 64 seeded sequences of 4 numbers in [0, 1). */
function sequences(seed: number): number[][] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  return Array.from({ length: 64 }, () => Array.from({ length: 4 }, next));
}

describe('sequenceSum', () => {
  it('trains, evaluates, saves, loads and predicts the same, without leaking tensors', async () => {
    const log = lines();
    const summer = await pipeline('sequenceSum').train(
      sequences(1),
      { units: 8, epochs: 30, learningRate: 0.02 },
      { logger: log.log },
    );
    expect(log.lines[0]).toBe(
      'sum: cell gru, units 8 (set), epochs 30 (set) (defaults for 64 examples)',
    );
    const before = tf.memory().numTensors;
    const m = summer.evaluate(sequences(2));
    expect(m.examples).toBe(64);
    // predicting the mean sum (2) all the time gives an error of about 0.47
    expect(m.mae).toBeLessThan(0.4);
    const preds = summer.predict([[0.5, 0.5, 0.5, 0.5]]);
    expect(tf.memory().numTensors).toBe(before);
    await withTempDir(async (dir) => {
      await summer.save(dir);
      const again = await loadTask(dir);
      expect(again.task).toBe('sequence-sum');
      expect((again as typeof summer).predict([[0.5, 0.5, 0.5, 0.5]])).toEqual(preds);
      expect(again.metrics['mae']).toBe(m.mae);
      again.dispose();
    });
    summer.dispose();
  });

  it('says what is wrong with uneven sequences', async () => {
    await expect(sequenceSum.train([[1, 2], [3]])).rejects.toThrow(
      'sequence-sum data[1] is [3], expected 2 finite numbers like sequence-sum data[0]',
    );
  });
});
