/**
 * Proof that the seq2seq wiring learns: reverse 4 tokens. Source ids 3..8, target
 * `<bos>=1` + the reversed source, a plain Adam loop on the teacher-forced model, then greedy
 * decoding with encode/decodeStep on fresh sequences.
 */

import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-helpers.js';
import { seq2seq } from './seq2seq.js';

beforeAll(useCpu);

const BOS = 1;
const LEN = 4;
const CLASSES = 9; // ids 0 (pad), 1 (<bos>), 2 (unused), 3..8 (symbols)
const STEPS = 120;
const BATCH = 16;

function batch(n: number, rand: () => number) {
  const src: number[][] = [];
  for (let i = 0; i < n; i++)
    src.push(Array.from({ length: LEN }, () => 3 + Math.floor(rand() * 6)));
  const out = src.map((s) => [...s].reverse());
  const tgtIn = out.map((o) => [BOS, ...o.slice(0, -1)]);
  return { src, tgtIn, out };
}

describe('seq2seq training', () => {
  it('learns to reverse 4 tokens (GRU + dot attention, 120 Adam steps)', () => {
    const net = seq2seq({
      cell: 'gru',
      units: 32,
      classes: CLASSES,
      attention: 'dot',
      source: { type: 'embedding', vocabSize: CLASSES, dims: 8 },
      target: { type: 'embedding', vocabSize: CLASSES, dims: 8 },
      seed: 0,
    });
    const rand = mulberry32(42);
    const optimizer = tf.train.adam(0.02);
    const vars = net.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const before = tf.memory().numTensors;
    let first = 0;
    let last = 0;
    for (let step = 0; step < STEPS; step++) {
      const b = batch(BATCH, rand);
      const loss = tf.tidy(() => {
        const src = tf.tensor2d(b.src, [BATCH, LEN], 'int32');
        const tgtIn = tf.tensor2d(b.tgtIn, [BATCH, LEN], 'int32');
        const y = tf.oneHot(tf.tensor2d(b.out, [BATCH, LEN], 'int32'), CLASSES);
        return optimizer.minimize(
          () => {
            const logits = net.model.apply([src, tgtIn], { training: true }) as tf.Tensor;
            return tf.losses.softmaxCrossEntropy(y, logits);
          },
          true,
          vars,
        )!;
      });
      const value = loss.dataSync()[0]!;
      loss.dispose();
      if (step === 0) first = value;
      last = value;
    }
    expect(last).toBeLessThan(first / 10);

    // greedy decoding of 64 fresh sequences
    const test = batch(64, mulberry32(7));
    const src = tf.tensor2d(test.src, [64, LEN], 'int32');
    const enc = net.encode(src);
    let state = enc.state;
    let prev = tf.fill([64], BOS, 'int32');
    const decoded: number[][] = test.src.map(() => []);
    for (let t = 0; t < LEN; t++) {
      const out = net.decodeStep(prev, state, enc);
      tf.dispose([prev, ...state, ...(out.attention ? [out.attention] : [])]);
      state = out.state;
      prev = tf.argMax(out.logits, -1);
      out.logits.dispose();
      for (const [i, id] of Array.from(prev.dataSync()).entries()) decoded[i]!.push(id);
    }
    tf.dispose([prev, src, enc.outputs, enc.mask, ...state]);
    const exact = decoded.filter((d, i) => d.join() === test.out[i]!.join()).length;
    const tokens = decoded.flat().filter((id, k) => id === test.out.flat()[k]).length;
    console.log(
      `reverse-4: loss ${first.toFixed(3)} -> ${last.toFixed(4)}, tokens ${tokens}/256, exact ${exact}/64`,
    );
    // chance is 1/6 per token and 1/1296 per sequence; deterministic on the cpu backend
    expect(tokens / 256).toBeGreaterThan(0.9);
    expect(exact / 64).toBeGreaterThan(0.75);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before); // Adam's slots gone, nothing else left
    net.dispose();
  }, 180_000); // ~20 s of CPU alone; generous for a loaded 2-core CI machine
});
