import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTENTION_TYPES, type AttentionType } from '../layers/attention.js';
import { batchFor, CELLS, flatWeights, inputKinds, maxDiff, useCpu } from '../test-helpers.js';
import { type Seq2SeqArgs, seq2seq } from './seq2seq.js';

beforeAll(useCpu);

const target = { type: 'embedding', vocabSize: 6, dims: 3 } as const;
const ids = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');

describe('seq2seq shapes', () => {
  for (const cell of CELLS) {
    for (const source of inputKinds(5)) {
      for (const attention of ATTENTION_TYPES) {
        it(`${cell}, ${source.type} source, attention ${attention}`, () => {
          const net = seq2seq({ cell, units: 4, classes: 6, source, target, attention });
          const x = batchFor(source, 2, 5);
          const t = batchFor(target, 2, 3, 7);
          const y = net.model.predict([x, t]) as tf.Tensor;
          expect(y.shape).toEqual([2, 3, 6]);
          if (net.attentionModel) {
            const w = net.attentionModel.predict([x, t]) as tf.Tensor;
            expect(w.shape).toEqual([2, 3, 5]); // [batch, tgtTime, srcTime]
            w.dispose();
          } else {
            expect(attention).toBe('none');
          }
          tf.dispose([x, t, y]);
          net.dispose();
        });
      }
    }
  }
});

/** Runs decodeStep along targetIn and stacks the logits and attention rows. */
function stepThrough(net: ReturnType<typeof seq2seq>, src: tf.Tensor, tgtIn: tf.Tensor2D) {
  const enc = net.encode(src);
  let state = enc.state;
  const logits: tf.Tensor[] = [];
  const weights: tf.Tensor[] = [];
  const [batch, time] = tgtIn.shape;
  for (let t = 0; t < time; t++) {
    const prev = tf.tidy(() => tf.reshape(tf.slice(tgtIn, [0, t], [batch, 1]), [batch]));
    const out = net.decodeStep(prev, state, enc);
    tf.dispose([prev, ...state]);
    state = out.state;
    logits.push(out.logits);
    if (out.attention) weights.push(out.attention);
  }
  const result = {
    logits: tf.stack(logits, 1),
    weights: weights.length ? tf.stack(weights, 1) : null,
  };
  tf.dispose([...logits, ...weights, ...state, enc.outputs, enc.mask]);
  return result;
}

describe('seq2seq inference pieces', () => {
  const cases: [string, Partial<Seq2SeqArgs>][] = [
    [
      'gru encoder, lstm decoder (c0 bridged), 2 layers, dot',
      { cell: 'gru', decoderCell: 'lstm', layers: 2, attention: 'dot' },
    ],
    [
      'bidirectional lstm encoder, rnn decoder, additive',
      { cell: 'lstm', decoderCell: 'rnn', bidirectional: true, attention: 'additive' },
    ],
    [
      'lstm, 2 layers, bidirectional, dot',
      { cell: 'lstm', layers: 2, bidirectional: true, attention: 'dot' },
    ],
    ['gru, additive', { cell: 'gru', attention: 'additive', attentionUnits: 5 }],
    ['rnn, 2 layers, none', { cell: 'rnn', layers: 2, attention: 'none' }],
    [
      'lstm, bidirectional, additive, dropout',
      { cell: 'lstm', bidirectional: true, attention: 'additive', dropout: 0.3, layers: 2 },
    ],
  ];
  for (const [name, extra] of cases) {
    it(`${name}: encode + decodeStep chained equals the teacher-forced model and its attention`, () => {
      const net = seq2seq({
        units: 4,
        classes: 6,
        source: { type: 'embedding', vocabSize: 7, dims: 3, maskZero: true },
        target,
        seed: 11,
        ...extra,
      });
      const src = ids([
        [3, 4, 5, 6, 0, 0],
        [0, 2, 6, 1, 1, 5],
      ]);
      const tgtIn = ids([
        [1, 5, 2, 4],
        [1, 3, 3, 2],
      ]) as tf.Tensor2D;
      const full = net.model.predict([src, tgtIn]) as tf.Tensor;
      const before = tf.memory().numTensors;
      const stepped = stepThrough(net, src, tgtIn);
      expect(tf.memory().numTensors).toBe(before + (stepped.weights ? 2 : 1)); // nothing leaked
      expect(maxDiff(stepped.logits, full)).toBeLessThan(1e-5);
      if (net.attentionModel) {
        const w = net.attentionModel.predict([src, tgtIn]) as tf.Tensor;
        expect(maxDiff(stepped.weights!, w)).toBeLessThan(1e-5);
        w.dispose();
      }
      tf.dispose([src, tgtIn, full, stepped.logits, ...(stepped.weights ? [stepped.weights] : [])]);
      net.dispose();
    });
  }
});

describe('seq2seq attention weights', () => {
  for (const attention of ['dot', 'additive'] as AttentionType[]) {
    it(`${attention}: sum to 1 over source steps and are exactly 0 on padding, before or after`, () => {
      const net = seq2seq({
        cell: 'gru',
        units: 4,
        classes: 6,
        attention,
        bidirectional: true,
        source: { type: 'oneHot', vocabSize: 7, maskZero: true },
        target,
        seed: 2,
      });
      const src = ids([
        [0, 0, 3, 4, 5],
        [6, 2, 0, 0, 0],
        [1, 2, 3, 4, 5],
      ]);
      const tgtIn = ids([
        [1, 2, 3],
        [1, 1, 1],
        [4, 5, 2],
      ]);
      const w = (
        net.attentionModel!.predict([src, tgtIn]) as tf.Tensor
      ).arraySync() as number[][][];
      const srcRows = src.arraySync() as number[][];
      for (const [b, rows] of w.entries()) {
        for (const row of rows) {
          expect(row.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 5);
          for (const [s, a] of row.entries()) {
            if (srcRows[b]![s] === 0) expect(a).toBe(0);
            else expect(a).toBeGreaterThan(0);
          }
        }
      }
      tf.dispose([src, tgtIn]);
      net.dispose();
    });
  }

  for (const attention of ATTENTION_TYPES) {
    it(`${attention}: padding the source (before or after) does not change the logits`, () => {
      const net = seq2seq({
        cell: 'lstm',
        units: 4,
        classes: 6,
        attention,
        bidirectional: true,
        layers: 2,
        source: { type: 'embedding', vocabSize: 7, dims: 3, maskZero: true },
        target,
        seed: 4,
      });
      const tgtIn = ids([[1, 2, 5]]);
      const run = (rows: number[][]) => {
        const s = ids(rows);
        const y = net.model.predict([s, tgtIn]) as tf.Tensor;
        s.dispose();
        return y;
      };
      const plain = run([[3, 4, 5]]);
      for (const padded of [[[3, 4, 5, 0, 0]], [[0, 0, 3, 4, 5]]]) {
        const y = run(padded);
        expect(maxDiff(y, plain)).toBeLessThan(1e-5);
        y.dispose();
      }
      tf.dispose([plain, tgtIn]);
      net.dispose();
    });
  }
});

describe('seq2seq options', () => {
  it('gives the decoder 2 * units when the encoder is bidirectional', () => {
    const net = seq2seq({ units: 3, classes: 6, bidirectional: true, source: target, target });
    expect(net.units).toBe(6);
    expect(net.model.getLayer('decoder_1').getWeights()[1]!.shape).toEqual([6, 24]); // lstm [D, 4D]
    net.dispose();
  });

  it('is a function of the seed', () => {
    const make = (seed: number) =>
      seq2seq({ units: 3, classes: 6, attention: 'additive', source: target, target, seed });
    const [a, b, c] = [make(1), make(1), make(2)];
    expect(flatWeights(a.model)).toEqual(flatWeights(b.model));
    expect(flatWeights(a.model)).not.toEqual(flatWeights(c.model));
    for (const m of [a, b, c]) m.dispose();
  });

  it('rejects an unknown decoder cell with the valid choices', () => {
    expect(() =>
      seq2seq({ units: 3, classes: 6, decoderCell: 'lstmx' as never, source: target, target }),
    ).toThrow(/cell must be one of 'rnn', 'lstm', 'gru', got "lstmx"/);
  });

  it('rejects an unknown attention with the valid choices', () => {
    expect(() =>
      seq2seq({ units: 3, classes: 6, attention: 'luong' as never, source: target, target }),
    ).toThrow(/attention must be one of 'none', 'dot', 'additive', got "luong"/);
  });
});

describe('seq2seq memory', () => {
  it('dispose() frees every weight, shared layers included: building is flat', () => {
    const source = { type: 'embedding', vocabSize: 5, dims: 2, maskZero: true } as const;
    const build = () =>
      seq2seq({
        cell: 'lstm',
        units: 3,
        classes: 5,
        attention: 'additive',
        layers: 2,
        source,
        target,
      });
    build().dispose(); // first build creates tfjs's own cached constants
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) build().dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
