import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTask } from '../tasks.js';
import { lines, useCpu, withTempDir } from '../test-helpers.js';
import { textDefaults, textGeneration } from './index.js';

beforeAll(useCpu);

// 12 sentences over 14 words: small enough to learn in a few seconds on cpu
const SENTENCES = [
  'the whale swims in the sea',
  'the ship sails on the sea',
  'ahab hunts the white whale',
  'the crew rows the boat',
];
const CORPUS = Array.from({ length: 12 }, (_, i) => SENTENCES[i % 4]).join('. ');
const OPTIONS = {
  unit: 'word',
  units: 24,
  dims: 8,
  seqLength: 8,
  epochs: 25,
  batchSize: 4,
  learningRate: 0.03,
} as const;

describe("textGeneration with unit: 'word'", () => {
  it('trains on a tiny corpus, generates its words, saves and loads the same', async () => {
    const log = lines();
    const losses: number[] = [];
    const lm = await textGeneration.train(
      CORPUS,
      { ...OPTIONS, progressEvery: 1 },
      {
        logger: log.log,
        onEvent: (e) => e.type === 'progress' && void losses.push(e.progress.loss),
      },
    );
    expect(log.lines[0]).toBe(
      'text: unit word (set), cell lstm, units 24 (set), dims 8 (set), maxVocab 2000, seqLength 8 (set), epochs 25 (set) (defaults for 66 words)',
    );
    // an embedding input over the word vocab: <pad>, <unk>, then the 14 words by count
    expect(lm.vocab.size).toBe(16);
    expect(lm.vocab.tokenOf(2)).toBe('the');
    expect(lm.model.getLayer('tokens_embedding').getWeights()[0]!.shape).toEqual([16, 8]);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.5);

    const before = tf.memory().numTensors;
    const m = lm.evaluate('the whale swims in the sea. the crew rows the boat');
    expect(m['words']).toBe(10); // 11 words: each after the first is predicted
    // a corpus this regular: far better than uniform over the 14 words
    expect(m['perplexity']).toBeLessThan(6);
    expect(m['bitsPerWord']).toBeCloseTo(Math.log2(m['perplexity']!), 6);

    const sample = lm.generate({ prime: 'the white', length: 10, temperature: 0.5, seed: 2 });
    const words = sample.split(' ');
    expect(words).toHaveLength(10); // detokenized: single spaces
    const known = new Set(CORPUS.replaceAll('.', '').split(' '));
    for (const w of words) expect(known.has(w)).toBe(true);
    // the default prime is the most frequent word
    expect(lm.generate({ length: 5, seed: 1 }).split(' ')).toHaveLength(5);
    expect(tf.memory().numTensors).toBe(before);

    await withTempDir(async (dir) => {
      await lm.save(dir);
      const back = await loadTask(dir);
      if (back.task !== 'text-generation') throw new Error('wrong task');
      expect(back.options.unit).toBe('word');
      expect(back.vocab.toJSON()).toEqual(lm.vocab.toJSON());
      expect(back.generate({ prime: 'the white', length: 10, temperature: 0.5, seed: 2 })).toBe(
        sample,
      );
      expect(
        back.evaluate('the whale swims in the sea. the crew rows the boat')['perplexity'],
      ).toBeCloseTo(m['perplexity']!, 4);
      back.dispose();
    });
    lm.dispose();
  });

  it('caps the vocab at maxVocab: rarer words are <unk>, in training and in prime', async () => {
    // counts: the 6, a 3, b 2, c 1, d 1
    const text = 'the a the b the a the c the a the b the d';
    const lm = await textGeneration.train(
      text,
      { unit: 'word', maxVocab: 4, units: 4, dims: 2, epochs: 1 },
      { logger: () => {} },
    );
    expect([0, 1, 2, 3].map((i) => lm.vocab.tokenOf(i))).toEqual(['<pad>', '<unk>', 'the', 'a']);
    expect(Array.from(lm.vocab.encode('the b whale a'))).toEqual([2, 1, 1, 3]);
    // an unknown prime word reads as <unk>; <unk> itself is never generated
    const out = lm.generate({ prime: 'moby', length: 40, temperature: 5, seed: 1 });
    expect(out.split(' ').every((w) => w === 'the' || w === 'a')).toBe(true);
    lm.dispose();
  });

  it('rejects what a word model cannot use, saying how to fix it', async () => {
    const quiet = { logger: () => {} };
    await expect(textGeneration.train('whale', { unit: 'word' }, quiet)).rejects.toMatchObject({
      code: 'BAD_DATA',
      message: expect.stringMatching(/at least 2 words, got 1/),
    });
    await expect(
      textGeneration.train(CORPUS, { unit: 'word', maxVocab: 2 }, quiet),
    ).rejects.toMatchObject({ code: 'BAD_OPTION', message: expect.stringMatching(/maxVocab/) });
    await expect(
      textGeneration.train(CORPUS, { unit: 'sentence' as never }, quiet),
    ).rejects.toMatchObject({
      code: 'BAD_OPTION',
      message: expect.stringMatching(/'char', 'word'/),
    });
    expect(() => textDefaults(1000, { maxVocab: 100 })).toThrow(/applies to word models only/);
    await expect(
      textGeneration.train(CORPUS, { ...OPTIONS, epochs: 1, validation: '!!' }, quiet),
    ).rejects.toMatchObject({ message: expect.stringMatching(/at least 2 words, got 0 words/) });
  });

  it('picks defaults by the number of words', () => {
    expect(textDefaults(215_000, { unit: 'word' }).resolved).toMatchObject({
      units: 128,
      dims: 64,
      maxVocab: 8000,
      unit: 'word',
    });
    expect(textDefaults(20_000, { unit: 'word' }).line).toMatch(/\(defaults for 20 k words\)$/);
    expect(textDefaults(500, { unit: 'word' }).resolved.maxVocab).toBe(2000);
  });

  it('saves float16 and int8 weights that load and score nearly the same', async () => {
    const lm = await textGeneration.train(CORPUS, { ...OPTIONS, epochs: 10 }, { logger: () => {} });
    const held = 'the whale swims in the sea. the crew rows the boat';
    const full = lm.evaluate(held)['perplexity']!;
    await withTempDir(async (dir) => {
      for (const weights of ['float16', 'int8'] as const) {
        const at = join(dir, weights);
        await lm.save(at, { weights });
        const doc = JSON.parse(await readFile(join(at, 'rnnkit.json'), 'utf8'));
        expect(doc.weights).toEqual({ dtype: weights });
        const back = await loadTask(at);
        if (back.task !== 'text-generation') throw new Error('wrong task');
        const p = back.evaluate(held)['perplexity']!;
        expect(Math.abs(p - full) / full).toBeLessThan(weights === 'float16' ? 1e-3 : 0.05);
        back.dispose();
      }
      await expect(lm.save(join(dir, 'x'), { weights: 'int4' as never })).rejects.toMatchObject({
        code: 'BAD_OPTION',
        message: expect.stringMatching(/'float32', 'float16', 'int8'/),
      });
    });
    lm.dispose();
  });
});
