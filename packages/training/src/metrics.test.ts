import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, higherIsBetter, type MetricName } from './metrics.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe('createMetrics', () => {
  it('classification: accuracy, top-k, loss per token, perplexity, bits per char, with a mask', () => {
    const m = createMetrics(
      ['accuracy', 'topKAccuracy', 'lossPerToken', 'perplexity', 'bitsPerChar'],
      {
        topK: 2,
      },
    );
    // 3 classes; step 1: label 0 is the argmax; step 2: label 2 is 2nd; step 3: label 2 is last;
    // step 4 is padding (would be wrong)
    const logits = tf.tensor3d([
      [
        [2, 1, 0],
        [2, 0, 1],
        [2, 1, 0],
        [0, 9, 0],
      ],
    ]);
    const labels = tf.tensor2d([[0, 2, 2, 0]], [1, 4], 'int32');
    const mask = tf.tensor2d([[1, 1, 1, 0]]);
    const before = tf.memory().numTensors;
    m.add(logits, labels, mask);
    expect(tf.memory().numTensors).toBe(before);
    const r = m.result();
    const lse = Math.log(Math.exp(2) + Math.exp(1) + 1);
    const nats = (lse - 2 + (lse - 1) + lse) / 3;
    expect(r.accuracy).toBeCloseTo(1 / 3, 6);
    expect(r.topKAccuracy).toBeCloseTo(2 / 3, 6);
    expect(r.lossPerToken).toBeCloseTo(nats, 5);
    expect(r.perplexity).toBeCloseTo(Math.exp(nats), 4);
    expect(r.bitsPerChar).toBeCloseTo(nats / Math.LN2, 5);
  });

  it('accumulates over batches exactly (not a mean of batch means)', () => {
    const m = createMetrics(['accuracy']);
    m.add(tf.tensor2d([[1, 0]]), tf.tensor1d([0], 'int32')); // 1 of 1
    m.add(
      tf.tensor2d([
        [1, 0],
        [1, 0],
        [1, 0],
      ]),
      tf.tensor1d([1, 1, 1], 'int32'),
    ); // 0 of 3
    expect(m.result().accuracy).toBe(0.25);
  });

  it('regression: mae, rmse, mape', () => {
    const m = createMetrics(['mae', 'rmse', 'mape']);
    m.add(tf.tensor2d([[1], [3]]), tf.tensor1d([2, 2]));
    m.add(tf.tensor2d([[4]]), tf.tensor1d([1]));
    const r = m.result();
    expect(r.mae).toBeCloseTo((1 + 1 + 3) / 3, 6);
    expect(r.rmse).toBeCloseTo(Math.sqrt((1 + 1 + 9) / 3), 6);
    expect(r.mape).toBeCloseTo((100 * (0.5 + 0.5 + 3)) / 3, 4);
  });

  it('masks regression steps', () => {
    const m = createMetrics(['mae']);
    m.add(tf.tensor3d([[[1], [100]]]), tf.zeros([1, 2, 1]), tf.tensor2d([[1, 0]]));
    expect(m.result().mae).toBe(1);
  });

  it('knows which direction is better, and rejects unknown names', () => {
    expect(higherIsBetter('val_accuracy')).toBe(true);
    expect(higherIsBetter('val_topKAccuracy')).toBe(true);
    expect(higherIsBetter('val_loss')).toBe(false);
    expect(() => createMetrics(['f1' as MetricName])).toThrow(
      /unknown metric "f1": expected one of/,
    );
  });
});
