import { namesByLanguage } from '@rnnkit/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTask } from '../tasks.js';
import { lines, useCpu, withTempDir } from '../test-helpers.js';
import { conditionalDefaults, conditionalGeneration } from './index.js';

beforeAll(useCpu);

describe('conditionalGeneration', () => {
  it('trains on names of two languages, evaluates, saves, loads and generates the same', async () => {
    const names = (await namesByLanguage()).data.filter(
      (r) => r.language === 'it' || r.language === 'de',
    );
    const rows = names.map((r) => ({ text: r.name, condition: r.language as string }));
    const log = lines();
    const losses: number[] = [];
    const gen = await conditionalGeneration.train(
      rows,
      {
        units: 16,
        epochs: 3,
        batchSize: 32,
        learningRate: 0.01,
        maxPerCondition: 150,
        progressEvery: 1,
      },
      {
        logger: log.log,
        onEvent: (e) => {
          if (e.type === 'progress') losses.push(e.progress.loss);
        },
      },
    );
    expect(log.lines[0]).toBe(
      'names: cell lstm, units 16 (set), epochs 3 (set) (defaults for 300 examples)',
    );
    expect(gen.conditions).toEqual(['de', 'it']);
    const head = losses.slice(0, 3).reduce((a, b) => a + b) / 3;
    const tail = losses.slice(-3).reduce((a, b) => a + b) / 3;
    expect(tail).toBeLessThan(head * 0.9);
    const before = tf.memory().numTensors;
    const m = gen.evaluate(rows.slice(-50));
    expect(m.bitsPerChar).toBeGreaterThan(0.5);
    expect(m.bitsPerChar).toBeLessThan(Math.log2(gen.vocab.size) + 0.5);
    const made = gen.generate('it', { count: 5, temperature: 0.8, seed: 2 });
    expect(made).toHaveLength(5);
    expect(tf.memory().numTensors).toBe(before);
    await withTempDir(async (dir) => {
      await gen.save(dir);
      const back = await loadTask(dir);
      if (back.task !== 'conditional-generation') throw new Error(`wrong task ${back.task}`);
      expect(back.generate('it', { count: 5, temperature: 0.8, seed: 2 })).toEqual(made);
      expect(back.metrics.bitsPerChar).toBe(m.bitsPerChar);
      expect(() => back.generate('fr')).toThrow('unknown condition "fr": expected one of de, it');
      back.dispose();
    });
    gen.dispose();
  });

  it('sizes defaults by example count and rejects bad options', async () => {
    expect(conditionalDefaults(55_356).line).toBe(
      'names: cell lstm, units 128, epochs 10 (defaults for 55356 examples)',
    );
    expect(() => conditionalDefaults(10, { maxPerCondition: 0 })).toThrow(
      /maxPerCondition must be an integer >= 1, got 0/,
    );
    await expect(
      conditionalGeneration.train([{ text: 'anna', language: 'it' }] as never),
    ).rejects.toThrow(/expected \{ text: non-empty string, condition: string \}/);
  });
});

describe('conditionalGeneration validation', () => {
  it('scores held-out examples at the end of every epoch, in the epoch events', async () => {
    const names = ['anna', 'marie', 'luc', 'paul', 'jean', 'ines'].map((text, i) => ({
      text,
      condition: i % 2 ? 'fr' : 'xx',
    }));
    const epochs: Record<string, number>[] = [];
    const g = await conditionalGeneration.train(
      names,
      { units: 4, epochs: 2, batchSize: 3, validation: [{ text: 'lea', condition: 'fr' }] },
      {
        logger: () => {},
        onEvent: (e) => {
          if (e.type === 'epoch') epochs.push(e.validation?.metrics ?? {});
        },
      },
    );
    expect(epochs).toHaveLength(2);
    expect(Object.keys(epochs[1]!).sort()).toEqual(['bitsPerChar', 'loss']);
    // the same score as evaluate() after training (both over 'lea' + <eos>)
    expect(epochs[1]!['bitsPerChar']).toBeCloseTo(
      g.evaluate([{ text: 'lea', condition: 'fr' }]).bitsPerChar,
      4,
    );
    g.dispose();
  });
});
