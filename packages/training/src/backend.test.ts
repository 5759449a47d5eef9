import { nextTokenWindows } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { autoOrder, type BackendChoice, setup } from './backend.js';
import { TrainingError } from './errors.js';
import { charModel, cyclicIds, memoryFs, weightsOf } from './test-helpers.js';
import { type TrainOptions, train } from './train.js';

describe('setup', () => {
  it('selects cpu on request and logs it', async () => {
    const lines: string[] = [];
    const r = await setup({ backend: 'cpu', logger: (l) => lines.push(l) });
    expect(r.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(lines).toEqual(['backend: cpu (requested)']);
  });

  it('auto picks wasm in Node (the dist folder is found for the .wasm files) and says why', async () => {
    const lines: string[] = [];
    const r = await setup({ logger: (l) => lines.push(l) });
    expect(r.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines[0]).toMatch(/^backend: wasm \(auto: fastest measured in Node/);
    const y = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]));
    expect(Array.from(y.dataSync())).toEqual([3, 3, 3, 3]);
    tf.dispose(y);
    expect(tf.env().getBool('PROD')).toBe(true); // the console banner is silenced
  });

  it("auto tries wasm first in browsers too (the recurrence kernel's backend), GPUs after it", () => {
    expect(autoOrder({ node: true, gpu: false }).order).toEqual(['wasm', 'cpu']);
    expect(autoOrder({ node: false, gpu: false }).order).toEqual(['wasm', 'webgl', 'cpu']);
    const gpu = autoOrder({ node: false, gpu: true });
    expect(gpu.order).toEqual(['wasm', 'webgpu', 'webgl', 'cpu']);
    expect(gpu.why).toMatch(/rnnkit's recurrent models in a browser; webgl about 7x slower/);
  });

  it('a browser backend in Node fails with BACKEND_UNAVAILABLE and how to fix it', async () => {
    const err = await setup({ backend: 'webgl' }).catch((e) => e);
    expect(err).toBeInstanceOf(TrainingError);
    expect(err.code).toBe('BACKEND_UNAVAILABLE');
    expect(err.message).toMatch(/backend 'webgl'.*choose another of cpu, wasm, webgl, webgpu/);
  });

  it('rejects an unknown backend with the choices', async () => {
    await expect(setup({ backend: 'gpu' as BackendChoice })).rejects.toThrow(
      /unknown backend "gpu": expected auto or one of cpu, wasm, webgl, webgpu/,
    );
  });
});

describe('on wasm', () => {
  it('resume from step k and train to n == train straight to n there too', async () => {
    await setup({ backend: 'wasm' });
    const windows = nextTokenWindows(cyclicIds(200, 6), { seqLength: 8, stride: 4 });
    const options: TrainOptions = {
      loss: 'sparseCategoricalCrossentropy',
      optimizer: { type: 'adam', learningRate: 0.02 },
      clipNorm: 1,
      schedule: { type: 'cosine', warmupSteps: 3, totalSteps: 20 },
      batchSize: 10,
      seed: 7,
    };
    const straight = charModel(6);
    const a = await train(straight, windows, { ...options, steps: 9 });
    const fs = memoryFs();
    const first = charModel(6);
    await train(first, windows, { ...options, steps: 6, checkpoint: { dir: 'ck', fs } });
    const resumed = charModel(6, 9);
    const b = await train(resumed, windows, {
      ...options,
      steps: 9,
      checkpoint: { dir: 'ck', fs },
    });
    expect(b.resumedFrom).toBe(6);
    expect(b.loss).toEqual(a.loss);
    expect(weightsOf(resumed)).toEqual(weightsOf(straight));
    for (const m of [straight, first, resumed]) m.dispose();
  });
});
