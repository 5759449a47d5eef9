import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mulberry32 } from '@rnnkit/windowing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneToMany } from '../topologies/one-to-many.js';
import { seq2seq } from '../topologies/seq2seq.js';
import { type OneToManyLike, oneToManyDecoder, seq2seqDecoder } from './beam-decoders.js';
import { beamSearch } from './beam-search.js';
import { argmax } from './sampling.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

const V = 6; // token 0 is eos, token 5 is bos
const U = 5;
const rand = mulberry32(4);
const w = (r: number, c: number) =>
  tf.tensor2d(
    Float32Array.from({ length: r * c }, () => (rand() - 0.5) * 3),
    [r, c],
  );
const W = w(V, U);
const R = w(U, U);
const D = w(U, V);
const C = w(3, U);

/** A tiny rnn decoder with the shape of oneToMany(...): the condition class sets h0 and joins every step. */
const net: OneToManyLike = {
  conditionToState: (c) => tf.tidy(() => [tf.tanh(tf.gather(C, tf.reshape(c, [-1])))]),
  step: (prev, state, c) =>
    tf.tidy(() => {
      const x = tf.add(tf.gather(W, tf.cast(prev, 'int32')), tf.gather(C, tf.reshape(c!, [-1])));
      const h = tf.tanh(tf.add(x, tf.matMul(state[0]!, R)));
      return { logits: tf.matMul(h, D), state: [h] };
    }),
};

afterAll(() => tf.dispose([W, R, D, C]));

/** Greedy decoding by hand, one row at a time. */
function greedy(cls: number, maxLength: number): number[] {
  const cond = tf.tensor1d([cls], 'int32');
  let state = net.conditionToState(cond);
  let prev = 5;
  const out: number[] = [];
  for (let t = 0; t < maxLength; t++) {
    const r = net.step(tf.tensor1d([prev], 'int32'), state as tf.Tensor2D[], cond);
    tf.dispose(state);
    state = r.state;
    prev = argmax(r.logits.dataSync());
    r.logits.dispose();
    if (prev === 0) break;
    out.push(prev);
  }
  tf.dispose([...state, cond]);
  return out;
}

describe('oneToManyDecoder', () => {
  it('beam width 1 is greedy decoding; wider beams score at least as well', () => {
    for (const cls of [0, 1, 2]) {
      const cond = tf.tensor1d([cls], 'int32');
      const dec = oneToManyDecoder(net, cond);
      const run = (beamWidth: number) =>
        beamSearch({
          ...dec,
          startToken: 5,
          eosToken: 0,
          beamWidth,
          maxLength: 8,
          lengthPenalty: 0,
        });
      const one = run(1);
      expect(one[0]!.tokens).toEqual(greedy(cls, 8));
      const four = run(4);
      expect(four[0]!.score).toBeGreaterThanOrEqual(one[0]!.score - 1e-6);
      dec.dispose();
      cond.dispose();
    }
  });

  it('leaves no tensor behind', () => {
    const cond = tf.tensor1d([1], 'int32');
    const before = tf.memory().numTensors;
    const dec = oneToManyDecoder(net, cond);
    beamSearch({ ...dec, startToken: 5, eosToken: 0, beamWidth: 3, maxLength: 30 });
    dec.dispose();
    expect(tf.memory().numTensors).toBe(before);
    cond.dispose();
  });
});

describe('adapters on the real topologies', () => {
  /** Greedy decoding by hand through a step function returning logits. */
  function greedyLoop(
    stepFn: (prev: tf.Tensor1D, state: tf.Tensor[]) => { logits: tf.Tensor; state: tf.Tensor[] },
    initial: tf.Tensor[],
    bos: number,
    eos: number,
    maxLength: number,
  ): number[] {
    let state = initial.map((t) => tf.clone(t));
    let prev = bos;
    const out: number[] = [];
    for (let t = 0; t < maxLength; t++) {
      const p = tf.tensor1d([prev], 'int32');
      const r = stepFn(p, state);
      tf.dispose([p, ...state]);
      state = r.state;
      prev = argmax(r.logits.dataSync());
      r.logits.dispose();
      if (prev === eos) break;
      out.push(prev);
    }
    tf.dispose(state);
    return out;
  }

  it('oneToMany: width 1 is greedy, no tensor left behind', () => {
    const net = oneToMany({
      cell: 'lstm',
      units: 8,
      classes: 7,
      layers: 2,
      condition: { type: 'class', classes: 3 },
      input: { type: 'embedding', vocabSize: 7, dims: 4 },
      conditionEveryStep: true,
      seed: 3,
    });
    const cond = tf.tensor1d([2], 'int32');
    const before = tf.memory().numTensors;
    const dec = oneToManyDecoder(net, cond);
    const best = beamSearch({ ...dec, startToken: 1, eosToken: 0, beamWidth: 1, maxLength: 12 });
    const wide = beamSearch({ ...dec, startToken: 1, eosToken: 0, beamWidth: 4, maxLength: 12 });
    const initial = dec.initialState;
    expect(best[0]!.tokens).toEqual(
      greedyLoop((p, s) => net.step(p, s as tf.Tensor2D[], cond), initial, 1, 0, 12),
    );
    expect(wide[0]!.score).toBeGreaterThanOrEqual(best[0]!.score - 1e-6);
    dec.dispose();
    expect(tf.memory().numTensors).toBe(before);
    cond.dispose();
    net.model.dispose();
  });

  it('seq2seq with attention: width 1 is greedy, no tensor left behind', () => {
    const net = seq2seq({
      cell: 'gru',
      units: 8,
      classes: 9,
      attention: 'dot',
      source: { type: 'embedding', vocabSize: 9, dims: 4, maskZero: true },
      target: { type: 'embedding', vocabSize: 9, dims: 4 },
      seed: 5,
    });
    const src = tf.tensor2d([[4, 5, 6, 2, 0]], [1, 5], 'int32');
    const before = tf.memory().numTensors;
    const dec = seq2seqDecoder(net, src);
    const best = beamSearch({ ...dec, startToken: 1, eosToken: 0, beamWidth: 1, maxLength: 10 });
    const wide = beamSearch({ ...dec, startToken: 1, eosToken: 0, beamWidth: 3, maxLength: 10 });
    const enc = net.encode(src);
    const manual = greedyLoop(
      (p, s) => {
        const r = net.decodeStep(p, s as tf.Tensor2D[], enc);
        tf.dispose(r.attention ?? []);
        return r;
      },
      enc.state,
      1,
      0,
      10,
    );
    tf.dispose([enc.outputs, enc.mask, ...enc.state]);
    expect(best[0]!.tokens).toEqual(manual);
    expect(wide[0]!.score).toBeGreaterThanOrEqual(best[0]!.score - 1e-6);
    dec.dispose();
    expect(tf.memory().numTensors).toBe(before);
    src.dispose();
    net.dispose();
  });
});
