import { mobyDick } from '@rnnkit/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TaskError } from '../errors.js';
import { loadTask, pipeline } from '../tasks.js';
import { lines, useCpu, withTempDir } from '../test-helpers.js';
import { textDefaults, textGeneration } from './index.js';

beforeAll(useCpu);

describe('textGeneration', () => {
  it('trains on a slice of Moby-Dick, evaluates, saves, loads and generates the same', async () => {
    const book = (await mobyDick()).data;
    const text = book.slice(20_000, 24_000);
    const heldOut = book.slice(24_000, 25_000);
    const log = lines();
    const losses: number[] = [];
    const lm = await pipeline('textGeneration').train(
      text,
      { units: 32, seqLength: 24, epochs: 3, batchSize: 16, learningRate: 0.01, progressEvery: 1 },
      {
        logger: log.log,
        onEvent: (e) => {
          if (e.type === 'progress') losses.push(e.progress.loss);
        },
      },
    );
    expect(log.lines[0]).toBe(
      'text: cell lstm, units 32 (set), seqLength 24 (set), epochs 3 (set) (defaults for 4 kB of text)',
    );
    const first = losses.slice(0, 3).reduce((a, b) => a + b) / 3;
    const last = losses.slice(-3).reduce((a, b) => a + b) / 3;
    expect(last).toBeLessThan(first * 0.85);
    const before = tf.memory().numTensors;
    const m = lm.evaluate(heldOut);
    expect(m.chars).toBeGreaterThan(900);
    expect(m.bitsPerChar).toBeGreaterThan(1);
    expect(m.bitsPerChar).toBeLessThan(Math.log2(lm.vocab.size) + 0.5);
    const sample = lm.generate({ prime: 'The ', length: 30, temperature: 0.8, topK: 10, seed: 3 });
    expect(sample).toHaveLength(30);
    // a flat distribution would draw <pad> and <unk> often: they are never produced, so every
    // id is one character of the text
    const hot = lm.generate({ prime: 'The ', length: 300, temperature: 20, seed: 4 });
    expect(hot).toHaveLength(300);
    expect(hot).not.toMatch(/<pad>|<unk>/);
    expect(tf.memory().numTensors).toBe(before);
    await withTempDir(async (dir) => {
      await lm.save(dir);
      const back = await loadTask(dir);
      expect(back.task).toBe('text-generation');
      expect(back.metrics.bitsPerChar).toBeCloseTo(m.bitsPerChar, 6);
      if (back.task !== 'text-generation') throw new Error('wrong task');
      expect(
        back.generate({ prime: 'The ', length: 30, temperature: 0.8, topK: 10, seed: 3 }),
      ).toBe(sample);
      expect(back.evaluate(heldOut).bitsPerChar).toBeCloseTo(m.bitsPerChar, 5);
      back.dispose();
    });
    lm.dispose();
  });

  it('scores held-out text every epoch, as evaluate() does at the end', async () => {
    const book = (await mobyDick()).data;
    const epochs: { epoch: number; bpc: number | undefined }[] = [];
    const start = tf.memory().numTensors;
    const lm = await textGeneration.train(
      book.slice(30_000, 31_500),
      {
        units: 16,
        seqLength: 16,
        epochs: 2,
        batchSize: 16,
        validation: book.slice(31_500, 32_000),
      },
      {
        logger: () => {},
        onEvent: (e) => {
          if (e.type === 'epoch') {
            epochs.push({ epoch: e.epoch, bpc: e.validation?.metrics['bitsPerChar'] });
          }
        },
      },
    );
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1]); // 0-based, as in training
    // the last epoch's validation is the trained model's score on the same text
    const last = epochs[1]!.bpc!;
    expect(last).toBeCloseTo(lm.evaluate(book.slice(31_500, 32_000)).bitsPerChar, 4);
    expect(epochs[0]!.bpc!).toBeGreaterThan(last);
    expect(lm.options).not.toHaveProperty('validation');
    lm.dispose();
    // training, the per-epoch validation and the model leave no tensors behind
    expect(tf.memory().numTensors).toBe(start);
    await expect(textGeneration.train('abcabc', { validation: 'a' })).rejects.toThrow(
      /validation must be a held-out text of at least 2 characters, got 1 characters/,
    );
  });

  it('picks defaults from the corpus size and explains them', () => {
    expect(textDefaults(1_190_317).line).toBe(
      'text: cell lstm, units 256, seqLength 64, epochs 5 (defaults for 1.2 MB of text)',
    );
    expect(textDefaults(60_000).resolved).toMatchObject({ units: 128, learningRate: 0.003 });
    expect(textDefaults(1_190_317).resolved).toMatchObject({
      learningRate: 0.01,
      schedule: 'cosine',
    });
    expect(textDefaults(1000, { schedule: 'constant' }).resolved.schedule).toBe('constant');
    expect(textDefaults(1000, { cell: 'gru' }).line).toContain('cell gru (set)');
  });

  it('rejects bad options with the valid choices', async () => {
    const bad = (o: object) => {
      try {
        textDefaults(1000, o as never);
      } catch (e) {
        expect(e).toBeInstanceOf(TaskError);
        return (e as TaskError).message;
      }
      throw new Error('no error');
    };
    expect(bad({ cell: 'transformer' })).toBe(
      "cell must be one of 'rnn', 'lstm', 'gru', got \"transformer\"",
    );
    expect(bad({ units: 0 })).toContain('units must be an integer >= 1, got 0');
    expect(bad({ seqLen: 5 })).toContain('unknown option "seqLen"');
    expect(() => pipeline('nope' as never)).toThrow(/expected one of textGeneration/);
    await expect(textGeneration.train('', {})).rejects.toThrow(/at least 2 characters/);
  });
});
