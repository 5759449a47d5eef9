import { cmuDict } from '@rnnkit/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTask } from '../tasks.js';
import { lines, useCpu, withTempDir } from '../test-helpers.js';
import { lengthBuckets, seq2seq, seq2seqDefaults } from './index.js';

beforeAll(useCpu);

describe('seq2seq', () => {
  it('scores held-out pairs every epoch (teacher-forced loss and token accuracy)', async () => {
    const dict = (await cmuDict({ stress: false })).data.filter(
      (r) => /^[a-z]+$/.test(r.word) && r.word.length <= 5,
    );
    const pairs = (a: number, b: number) =>
      dict.slice(a, b).map((r) => ({ source: r.word, target: r.phonemes }));
    const held = pairs(7000, 7040);
    const epochs: { loss: number | undefined; accuracy: number | undefined }[] = [];
    const start = tf.memory().numTensors;
    const g2p = await seq2seq.train(
      pairs(5000, 5160),
      { units: 12, epochs: 2, batchSize: 32, learningRate: 0.01, validation: held },
      {
        logger: () => {},
        onEvent: (e) => {
          if (e.type === 'epoch') {
            epochs.push({
              loss: e.validation?.metrics['loss'],
              accuracy: e.validation?.metrics['accuracy'],
            });
          }
        },
      },
    );
    expect(epochs).toHaveLength(2);
    for (const e of epochs) {
      expect(e.loss).toBeGreaterThan(0);
      expect(e.accuracy).toBeGreaterThanOrEqual(0);
      expect(e.accuracy).toBeLessThanOrEqual(1);
    }
    expect(epochs[1]!.loss!).toBeLessThan(epochs[0]!.loss!);
    expect(g2p.options).not.toHaveProperty('validation');
    g2p.dispose();
    // training, the per-epoch validation and the model leave no tensors behind
    expect(tf.memory().numTensors).toBe(start);
    await expect(
      seq2seq.train(pairs(5000, 5010), { validation: [{ source: 'ab' }] as never }),
    ).rejects.toThrow(/validation\[0\] is .*expected \{ source, target \}/);
  });

  it('trains G2P on 300 CMUdict words, evaluates greedy and beam, saves, loads and predicts the same', async () => {
    const dict = (await cmuDict({ stress: false })).data.filter(
      (r) => /^[a-z]+$/.test(r.word) && r.word.length <= 6,
    );
    const rows = dict.slice(5000, 5300).map((r) => ({ source: r.word, target: r.phonemes }));
    const test = dict.slice(6000, 6020).map((r) => ({ source: r.word, target: r.phonemes }));
    const log = lines();
    const losses: number[] = [];
    const g2p = await seq2seq.train(
      rows,
      {
        units: 16,
        epochs: 3,
        batchSize: 32,
        learningRate: 0.01,
        maxSourceLength: 6,
        maxTargetLength: 7,
        progressEvery: 1,
      },
      {
        logger: log.log,
        onEvent: (e) => {
          if (e.type === 'progress') losses.push(e.progress.loss);
        },
      },
    );
    expect(log.lines[0]).toMatch(
      /^seq2seq: cell lstm, units 16 \(set\), epochs 3 \(set\), attention dot \(defaults for \d+ examples\)$/,
    );
    const head = losses.slice(0, 3).reduce((a, b) => a + b) / 3;
    const tail = losses.slice(-3).reduce((a, b) => a + b) / 3;
    expect(tail).toBeLessThan(head * 0.9);
    const before = tf.memory().numTensors;
    const greedy = g2p.evaluate(test);
    expect(greedy.examples).toBe(20);
    expect(greedy.tokenErrorRate).toBeGreaterThan(0);
    const sources = test.slice(0, 4).map((r) => r.source);
    const beam = g2p.predict(sources, { beamWidth: 3 });
    const m = g2p.evaluate(test.slice(0, 4), { beamWidth: 3 });
    expect(m.tokenErrorRate).toBeGreaterThanOrEqual(0);
    expect(tf.memory().numTensors).toBe(before);
    const greedyOut = g2p.predict(sources);
    expect(greedyOut[0]!.text).toBe(greedyOut[0]!.tokens.join(' '));
    await withTempDir(async (dir) => {
      await g2p.save(dir);
      const back = await loadTask(dir);
      if (back.task !== 'seq2seq') throw new Error(`wrong task ${back.task}`);
      expect(back.predict(sources)).toEqual(greedyOut);
      expect(back.predict(sources, { beamWidth: 3 })).toEqual(beam);
      expect(back.metrics.wordAccuracy).toBe(m.wordAccuracy);
      back.dispose();
    });
    g2p.dispose();
  });

  it('sizes defaults by example count and rejects bad options', async () => {
    expect(seq2seqDefaults(113_000).line).toBe(
      'seq2seq: cell gru, units 128, epochs 3, attention dot (defaults for 113000 examples)',
    );
    expect(seq2seqDefaults(113_000).resolved).toMatchObject({
      batchSize: 64,
      learningRate: 0.008,
      schedule: 'cosine',
    });
    expect(() => seq2seqDefaults(10, { attention: 'luong' as never })).toThrow(
      "attention must be one of 'none', 'dot', 'additive', got \"luong\"",
    );
    await expect(seq2seq.train([{ source: 'abc', target: [] }])).rejects.toThrow(
      /each a non-empty string or array of strings/,
    );
  });

  it('lengthBuckets: every pair once per epoch, each batch padded to its own longest pair', () => {
    const lengths = [5, 1, 3, 8, 2, 2, 7];
    const sources = lengths.map((n, i) => Int32Array.from({ length: n }, () => i + 1));
    // <bos> = 90, <eos> = 91; targets one longer than their sources
    const targets = lengths.map((n, i) => Int32Array.from([90, ...Array(n + 1).fill(i + 1), 91]));
    const src = lengthBuckets(sources, targets, 3, 0);
    expect(src.length).toBe(3);
    const seen: number[] = [];
    for (let k = 0; k < src.length; k++) {
      const b = src.batch([k]);
      const [n, w] = b.shapes.x as [number, number];
      const S = b.x[0]!;
      const T = b.shapes.y![1]!;
      expect(w).toBe(1 + S + T);
      for (let r = 0; r < n; r++) {
        const id = b.y[r * T]!; // y_1 = the pair's id
        seen.push(id);
        const len = lengths[id - 1]!;
        expect(b.x[r * w]).toBe(S);
        expect(
          Array.from(b.x.subarray(r * w + 1, r * w + 1 + S)).filter((t) => t > 0),
        ).toHaveLength(len);
        expect(b.x[r * w + 1 + S]).toBe(90); // target input starts with <bos>
        expect(b.y[r * T + len + 1]).toBe(91); // ... and the output ends with <eos>
        expect(Array.from(b.mask.subarray(r * T, (r + 1) * T)).reduce((a, c) => a + c)).toBe(
          len + 2,
        );
      }
      // sorted by length: a batch is as wide as its own longest source
      expect(S).toBe(Math.max(...Array.from({ length: n }, (_, r) => lengths[b.y[r * T]! - 1]!)));
    }
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
