import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initializeWeights } from '../layers/init-weights.js';
import { recurrentLayer } from '../layers/recurrent-layer.js';
import { manyToMany } from '../topologies/many-to-many.js';
import { type StepEngine, statefulLM } from './stateful.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

/** Logits of the full model over the whole sequence: [time * classes] for one row of ids. */
function fullRun(model: tfl.LayersModel, ids: number[], vocabSize: number): Float32Array {
  return tf.tidy(() => {
    // ids [1, time] when the model starts with its (one-hot) Embedding, else one-hot [1, time, V]
    const x =
      model.inputs[0]!.shape.length === 2
        ? tf.tensor2d([ids], [1, ids.length], 'int32')
        : tf.expandDims(tf.oneHot(tf.tensor1d(ids, 'int32'), vocabSize), 0);
    return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const ENGINES: StepEngine[] = ['js', 'tfjs', 'fused'];

describe('statefulLM', () => {
  for (const engine of ENGINES) {
    for (const cell of ['rnn', 'lstm', 'gru'] as const) {
      it(`${engine}: ${cell} x2 layers gives the full model's logits at every step (1e-5)`, () => {
        const V = 7;
        const { model } = manyToMany({
          cell,
          units: 6,
          classes: V,
          layers: 2,
          input: { type: 'oneHot', vocabSize: V },
          seed: 3,
        });
        const ids = [1, 4, 0, 6, 2, 2, 5, 3, 1, 0, 6, 4];
        const full = fullRun(model, ids, V);
        const lm = statefulLM(model, { engine });
        const stepped = new Float32Array(ids.length * V);
        for (let i = 0; i < ids.length; i++) stepped.set(lm.step([ids[i]!]), i * V);
        expect(maxAbsDiff(stepped, full)).toBeLessThan(1e-5);
        lm.dispose();
        model.dispose();
      });
    }

    it(`${engine}: steps a batch of rows independently`, () => {
      const V = 5;
      const { model } = manyToMany({
        cell: 'lstm',
        units: 4,
        classes: V,
        input: { type: 'oneHot', vocabSize: V },
        seed: 1,
      });
      const a = [1, 2, 3, 4];
      const b = [4, 0, 0, 2];
      const lm = statefulLM(model, { engine, batchSize: 2 });
      let last = new Float32Array(0);
      for (let t = 0; t < a.length; t++) last = lm.step([a[t]!, b[t]!]).slice();
      const fa = fullRun(model, a, V).slice(3 * V);
      const fb = fullRun(model, b, V).slice(3 * V);
      expect(maxAbsDiff(last.subarray(0, V), fa)).toBeLessThan(1e-5);
      expect(maxAbsDiff(last.subarray(V), fb)).toBeLessThan(1e-5);
      lm.dispose();
      model.dispose();
    });

    it(`${engine}: getState/setState resumes exactly, reset() starts over`, () => {
      const { model } = manyToMany({
        cell: 'gru',
        units: 4,
        classes: 3,
        input: { type: 'oneHot', vocabSize: 3 },
      });
      const lm = statefulLM(model, { engine });
      lm.step([1]);
      const saved = lm.getState();
      const next = lm.step([2]).slice();
      lm.setState(saved);
      expect(Array.from(lm.step([2]))).toEqual(Array.from(next));
      lm.reset();
      const fresh = lm.step([1]).slice();
      expect(maxAbsDiff(fresh, fullRun(model, [1], 3))).toBeLessThan(1e-6);
      lm.dispose();
      model.dispose();
    });

    it(`${engine}: leaves no tensor behind over 200 steps`, () => {
      const { model } = manyToMany({
        cell: 'lstm',
        units: 8,
        classes: 5,
        input: { type: 'oneHot', vocabSize: 5 },
      });
      const before = tf.memory().numTensors;
      const lm = statefulLM(model, { engine, batchSize: 2 });
      for (let i = 0; i < 200; i++) lm.step([i % 5, (i * 3) % 5]);
      lm.dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  }

  for (const [resetAfter, useBias] of [
    [true, true],
    [false, true],
    [true, false],
    [false, false],
  ]) {
    it(`gru resetAfter ${resetAfter}, useBias ${useBias} (rnnkit's layer) steps like the full model`, () => {
      const V = 5;
      const model = tfl.sequential();
      model.add(
        recurrentLayer({
          cell: 'gru',
          units: 4,
          returnSequences: true,
          resetAfter,
          useBias,
          inputShape: [null, V],
          name: 'rnn_1',
        }),
      );
      model.add(tfl.layers.dense({ units: V, name: 'logits' }));
      initializeWeights(model, 7);
      const bias = model.layers[0]!.weights.find((w) => w.originalName.endsWith('bias'));
      expect(bias?.shape).toEqual(useBias ? (resetAfter ? [2, 12] : [12]) : undefined);
      const ids = [1, 4, 0, 3, 2, 2];
      const full = fullRun(model, ids, V);
      for (const engine of ENGINES) {
        const lm = statefulLM(model, { engine });
        const stepped = new Float32Array(ids.length * V);
        for (let i = 0; i < ids.length; i++) stepped.set(lm.step([ids[i]!]), i * V);
        expect(maxAbsDiff(stepped, full)).toBeLessThan(1e-5);
        lm.dispose();
      }
      model.dispose();
    });
  }

  it('a padding id (maskZero) keeps the state, as the full model masks it', () => {
    const V = 6;
    const { model } = manyToMany({
      cell: 'lstm',
      units: 5,
      classes: V,
      layers: 2,
      input: { type: 'embedding', vocabSize: V, dims: 3, maskZero: true },
      seed: 2,
    });
    const ids = [3, 0, 2, 0, 0, 5];
    const full = fullRun(model, ids, V);
    for (const engine of ENGINES) {
      const lm = statefulLM(model, { engine });
      const stepped = new Float32Array(ids.length * V);
      for (let i = 0; i < ids.length; i++) stepped.set(lm.step([ids[i]!]), i * V);
      expect(maxAbsDiff(stepped, full)).toBeLessThan(1e-5);
      lm.dispose();
    }
    model.dispose();
  });

  it('reads an Embedding input as a row lookup', () => {
    const V = 6;
    const model = tfl.sequential();
    model.add(tfl.layers.embedding({ inputDim: V, outputDim: 3, inputShape: [null] }));
    model.add(
      tfl.layers.lstm({ units: 4, returnSequences: true, recurrentInitializer: 'glorotUniform' }),
    );
    model.add(tfl.layers.dense({ units: V }));
    const ids = [2, 5, 1, 0, 3];
    const full = tf.tidy(
      () => (model.predict(tf.tensor2d([ids], [1, 5])) as tf.Tensor).dataSync() as Float32Array,
    );
    for (const engine of ENGINES) {
      const lm = statefulLM(model, { engine });
      const stepped = new Float32Array(ids.length * V);
      for (let i = 0; i < ids.length; i++) stepped.set(lm.step([ids[i]!]), i * V);
      expect(maxAbsDiff(stepped, full)).toBeLessThan(1e-5);
      lm.dispose();
    }
    model.dispose();
  });

  it('rejects token ids outside the vocab, a wrong row count and unsupported models', () => {
    const { model } = manyToMany({
      cell: 'rnn',
      units: 2,
      classes: 3,
      input: { type: 'oneHot', vocabSize: 3 },
    });
    const lm = statefulLM(model);
    expect(() => lm.step([3])).toThrow(/outside \[0, 3\)/);
    expect(() => lm.step([0, 1])).toThrow(/2 tokens for a batch of 1/);
    expect(lm.engine).toBe('js'); // 'auto' on the cpu backend
    expect(() => statefulLM(model, { engine: 'gpu' as never })).toThrow(
      /engine must be one of 'auto', 'js', 'tfjs'/,
    );
    const dense = tfl.sequential({
      layers: [tfl.layers.dense({ units: 2, inputShape: [3] })],
    });
    expect(() => statefulLM(dense)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_MODEL' }));
    dense.dispose();
    model.dispose();
  });
});

describe('statefulLM fused engine on wasm', () => {
  it("gives the js engine's logits (1e-5) and is what 'auto' picks there", async () => {
    const { useBackend } = await import('../layers/test-backends.js');
    const V = 9;
    const ids = [1, 4, 0, 6, 2, 8, 5, 3];
    const run = (engine: StepEngine) => {
      const { model } = manyToMany({
        cell: 'gru',
        units: 5,
        classes: V,
        layers: 2,
        resetAfter: false,
        input: { type: 'embedding', vocabSize: V, dims: 3 },
        seed: 4,
      });
      const lm = statefulLM(model, { engine, batchSize: 2 });
      const out: number[] = [];
      for (const id of ids) out.push(...lm.step([id, (id + 3) % V]));
      const picked = lm.engine;
      lm.dispose();
      model.dispose();
      return { out, picked };
    };
    const js = run('js');
    await useBackend('wasm');
    try {
      const before = tf.memory().numTensors;
      const fused = run('auto');
      expect(fused.picked).toBe('fused');
      expect(maxAbsDiff(fused.out, js.out)).toBeLessThan(1e-5);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await useBackend('cpu');
    }
  });
});
