import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamWOptimizer } from './fused-adam.js';
import {
  createOptimizer,
  getLearningRate,
  OPTIMIZER_TYPES,
  type OptimizerConfig,
  optimizerExtras,
  setLearningRate,
} from './optimizers.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

/** The change of w = [1, -2] after one update with gradient [0.5, 0.25] at learning rate lr. */
function delta(config: OptimizerConfig, lr: number, steps = 1): number[] {
  const opt = createOptimizer(config);
  setLearningRate(opt, lr);
  const w = tf.variable(tf.tensor1d([1, -2]));
  const g = tf.tensor1d([0.5, 0.25]);
  for (let i = 0; i < steps; i++) opt.applyGradients([{ name: w.name, tensor: g }]);
  const out = Array.from(w.dataSync()).map((v, i) => v - [1, -2][i]!);
  tf.dispose([w, g]);
  opt.dispose();
  return out;
}

describe('createOptimizer', () => {
  it.each(OPTIMIZER_TYPES)('%s: setLearningRate really changes the update', (type) => {
    const config = { type, learningRate: 0.01 } as OptimizerConfig;
    const a = delta(config, 0.01);
    const b = delta(config, 0.02);
    // every optimizer's first update is proportional to the learning rate
    for (let i = 0; i < 2; i++) expect(b[i]!).toBeCloseTo(2 * a[i]!, 6);
    expect(Math.abs(a[0]!)).toBeGreaterThan(0);
  });

  it('sgd with momentum accumulates velocity (heavy ball), nesterov differs', () => {
    const plain = delta({ type: 'sgd', learningRate: 0.1 }, 0.1, 2);
    const heavy = delta({ type: 'sgd', learningRate: 0.1, momentum: 0.9 }, 0.1, 2);
    const nesterov = delta(
      { type: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true },
      0.1,
      2,
    );
    expect(plain[0]).toBeCloseTo(-0.1, 6); // 2 x 0.1 x 0.5
    expect(heavy[0]).toBeCloseTo(-0.1 * (0.5 + (0.9 * 0.5 + 0.5)), 6); // v1 = g, v2 = 0.9 g + g
    expect(nesterov[0]).not.toBeCloseTo(heavy[0]!, 6);
  });

  it('adamw = decay w by (1 - lr wd), then the Adam step (PyTorch order)', () => {
    const lr = 0.1;
    const wd = 0.5;
    const adam = delta({ type: 'adam', learningRate: lr }, lr);
    const adamw = delta({ type: 'adamw', learningRate: lr, weightDecay: wd }, lr);
    const w0 = [1, -2];
    for (let i = 0; i < 2; i++) {
      expect(adamw[i]!).toBeCloseTo(-lr * wd * w0[i]! + adam[i]!, 6);
    }
    expect(createOptimizer({ type: 'adamw' })).toBeInstanceOf(AdamWOptimizer);
  });

  it('getLearningRate reads what setLearningRate wrote', () => {
    const opt = createOptimizer({ type: 'sgd', learningRate: 0.1 });
    setLearningRate(opt, 0.05);
    expect(getLearningRate(opt)).toBe(0.05);
    opt.dispose();
  });

  it('optimizerExtras holds Adam running beta powers', () => {
    const opt = createOptimizer({ type: 'adam' });
    expect(optimizerExtras(opt).accBeta1).toBeCloseTo(0.9, 6);
    expect(optimizerExtras(createOptimizer({ type: 'sgd' }))).toEqual({});
    opt.dispose();
  });

  it('rejects bad options with BAD_OPTION and the choices', () => {
    expect(() => createOptimizer({ type: 'adam', learningRate: -1 })).toThrow(
      /learningRate must be/,
    );
    expect(() => createOptimizer({ type: 'adam', beta1: 2 })).toThrow(
      /beta1 must be a number in \[0, 1\]/,
    );
    expect(() => createOptimizer({ type: 'nope' } as unknown as OptimizerConfig)).toThrow(
      /expected one of adam, adamw, rmsprop, sgd, adagrad/,
    );
  });
});
