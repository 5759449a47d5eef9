import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { manyToMany } from '../topologies/many-to-many.js';
import { generate } from './generate.js';
import { argmax } from './sampling.js';
import { statefulLM } from './stateful.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

const V = 9;
function lmModel(seed = 5): tfl.LayersModel {
  return manyToMany({
    cell: 'lstm',
    units: 12,
    classes: V,
    layers: 2,
    input: { type: 'oneHot', vocabSize: V },
    seed,
  }).model;
}

/** Greedy decoding by re-running the full model over the growing sequence (the slow reference). */
function greedyByRerun(model: tfl.LayersModel, prompt: number[], n: number): number[] {
  const ids = [...prompt];
  for (let i = 0; i < n; i++) {
    const logits = tf.tidy(() => {
      const x =
        model.inputs[0]!.shape.length === 2
          ? tf.tensor2d([ids], [1, ids.length], 'int32')
          : tf.expandDims(tf.oneHot(tf.tensor1d(ids, 'int32'), V), 0);
      const y = model.predict(x) as tf.Tensor3D;
      return tf.slice(y, [0, ids.length - 1, 0], [1, 1, V]).dataSync();
    });
    ids.push(argmax(logits));
  }
  return ids.slice(prompt.length);
}

describe('generate', () => {
  it('greedy output equals re-running the whole model per token', () => {
    const model = lmModel();
    for (const engine of ['js', 'tfjs', 'fused'] as const) {
      const { generations } = generate(model, {
        prompts: [[1, 2, 3]],
        maxLength: 15,
        strategy: 'greedy',
        engine,
      });
      expect(generations[0]!.tokens).toEqual(greedyByRerun(model, [1, 2, 3], 15));
      expect(generations[0]!.stop).toBe('length');
    }
    model.dispose();
  });

  it('batched prompts of different lengths give what each gives alone (greedy)', () => {
    const model = lmModel();
    const prompts = [[1], [4, 4, 2, 7], [8, 0]];
    const batched = generate(model, {
      prompts: prompts.map((p) => Int32Array.from(p)), // what vocab.encode() returns
      maxLength: 10,
      strategy: 'greedy',
    });
    prompts.forEach((p, b) => {
      const alone = generate(model, { prompts: [p], maxLength: 10, strategy: 'greedy' });
      expect(batched.generations[b]!.tokens).toEqual(alone.generations[0]!.tokens);
    });
    model.dispose();
  });

  it('is reproducible for a seed, differs for another, and reports a picked seed', () => {
    const model = lmModel();
    const run = (seed?: number) =>
      generate(model, { prompts: [[1, 2]], maxLength: 30, temperature: 1.5, seed });
    expect(run(1).generations).toEqual(run(1).generations);
    expect(run(1).generations[0]!.tokens).not.toEqual(run(2).generations[0]!.tokens);
    const picked = run();
    expect(run(picked.seed).generations).toEqual(picked.generations);
    model.dispose();
  });

  it('stops at a stop token (left out of the output) or at maxLength', () => {
    const model = lmModel();
    const free = generate(model, { prompts: [[3]], maxLength: 40, seed: 3 }).generations[0]!;
    const stopAt = free.tokens[5]!;
    const first = free.tokens.indexOf(stopAt);
    const cut = generate(model, { prompts: [[3]], maxLength: 40, seed: 3, stopTokens: [stopAt] });
    expect(cut.generations[0]).toEqual({ tokens: free.tokens.slice(0, first), stop: 'token' });
    expect(generate(model, { prompts: [[3]], maxLength: 0 }).generations[0]!.tokens).toEqual([]);
    model.dispose();
  });

  it('streams tokens through onToken and reuses a statefulLM', () => {
    const model = lmModel();
    const lm = statefulLM(model);
    const seen: number[][] = [[], []];
    const r = generate(lm, {
      prompts: [[1], [2]],
      maxLength: 6,
      seed: 9,
      onToken: (row, t) => seen[row]!.push(t),
    });
    expect(seen).toEqual(r.generations.map((g) => g.tokens));
    expect(lm.batchSize).toBe(2);
    model.dispose();
  });

  it('leaves the tensor count unchanged over 200 tokens (every engine)', () => {
    const model = lmModel();
    for (const engine of ['js', 'tfjs', 'fused'] as const) {
      const before = tf.memory().numTensors;
      generate(model, { prompts: [[1, 2], [3]], maxLength: 200, seed: 1, topP: 0.9, engine });
      expect(tf.memory().numTensors).toBe(before);
    }
    model.dispose();
  });

  it('rejects bad options with typed errors that say how to fix them', () => {
    const model = lmModel();
    const bad = (args: object) => () =>
      generate(model, { prompts: [[1]], maxLength: 3, ...args } as never);
    expect(bad({ temperature: 0 })).toThrow(/strategy: 'greedy'/);
    expect(bad({ topP: 0 })).toThrow(/topP must be in \(0, 1\]/);
    expect(bad({ topK: 0 })).toThrow(/topK must be an integer >= 1/);
    expect(bad({ maxLength: -1 })).toThrow(/maxLength must be an integer >= 0/);
    expect(bad({ prompts: [] })).toThrow(/prompts must be a non-empty array/);
    expect(bad({ prompts: [[1], []] })).toThrow(/prompt 1 is empty/);
    expect(bad({ prompts: [[V]] })).toThrow(/outside \[0, 9\)/);
    expect(bad({ temperature: 0 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    model.dispose();
  });
});
