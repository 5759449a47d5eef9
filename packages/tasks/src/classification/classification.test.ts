import { sentimentSentences } from '@rnnkit/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TaskError } from '../errors.js';
import { loadTask } from '../tasks.js';
import { lines, useCpu, withTempDir } from '../test-helpers.js';
import { classification, classificationDefaults } from './index.js';

beforeAll(useCpu);

describe('classification', () => {
  it('trains on 200 sentiment sentences, evaluates, saves, loads and predicts the same', async () => {
    const all = (await sentimentSentences()).data.filter((r) => r.source === 'yelp');
    const train = all.slice(0, 200);
    const test = all.slice(400, 500);
    const log = lines();
    const losses: number[] = [];
    const clf = await classification.train(
      train,
      { units: 16, seqLength: 12, epochs: 4, batchSize: 32, learningRate: 0.01, progressEvery: 1 },
      {
        logger: log.log,
        onEvent: (e) => {
          if (e.type === 'progress') losses.push(e.progress.loss);
        },
      },
    );
    expect(log.lines[0]).toBe(
      'classify: cell lstm, units 16 (set), seqLength 12 (set), epochs 4 (set), tokenizer word (defaults for 200 examples)',
    );
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    const before = tf.memory().numTensors;
    const m = clf.evaluate(test);
    expect(m.examples).toBe(100);
    expect(m.accuracy).toBeGreaterThanOrEqual(0.4);
    const texts = test.slice(0, 5).map((r) => r.text);
    const preds = clf.predict(texts);
    expect(tf.memory().numTensors).toBe(before);
    expect(clf.labels).toEqual([0, 1]);
    expect(clf.options.input).toBe('oneHot');
    for (const p of preds) expect(p.probabilities.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    await withTempDir(async (dir) => {
      await clf.save(dir);
      const back = await loadTask(dir);
      if (back.task !== 'classification') throw new Error(`wrong task ${back.task}`);
      expect(back.metrics.accuracy).toBe(m.accuracy);
      const again = back.predict(texts);
      again.forEach((p, i) => {
        expect(p.label).toBe(preds[i]!.label);
        p.probabilities.forEach((v, j) => {
          expect(v).toBeCloseTo(preds[i]!.probabilities[j]!, 6);
        });
      });
      back.dispose();
    });
    clf.dispose();
  });

  it('picks seqLength from the texts and sizes from the count', () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({
      text: 'a b c d '.repeat(i % 3),
      label: i % 2,
    }));
    const { resolved, line } = classificationDefaults(rows);
    expect(resolved.seqLength).toBe(8);
    expect(line).toBe(
      'classify: cell lstm, units 32, seqLength 8, epochs 15, tokenizer word (defaults for 20 examples)',
    );
  });

  it('rejects bad options and data with what is expected', async () => {
    const rows = [
      { text: 'good', label: 1 },
      { text: 'bad', label: 0 },
    ];
    expect(() => classificationDefaults(rows, { tokenizer: 'bpe' as never })).toThrow(
      "tokenizer must be one of 'word', 'char', got \"bpe\"",
    );
    expect(() => classificationDefaults(rows, { input: 'dense' as never })).toThrow(TaskError);
    await expect(classification.train([{ text: 'x', label: 1 }])).rejects.toThrow(
      /at least 2 different labels/,
    );
    await expect(classification.train([{ text: 3, label: 1 }] as never)).rejects.toThrow(
      /expected \{ text: string, label: string \| number \}/,
    );
  });
});
