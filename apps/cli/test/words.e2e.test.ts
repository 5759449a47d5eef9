/**
 * End-to-end: `rnnkit train text --unit word` on a small text file, `generate` on the word model
 * (words joined by single spaces), `--weights float16 | int8` (rnnkit.json records it, generate
 * loads it) and the usage errors of the new flags.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, STACK_LINE, writeText } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-words-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rnnkit = (...args: string[]) => runCli(work, args);
const TINY = ['--units', '16', '--epochs', '2', '--seq-length', '8', '--batch-size', '8'];
const WORDS = new Set(['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'dog', 'ran', 'to', 'log']);

let trained: CliResult;
beforeAll(() => {
  writeText(work, 'small.txt');
  trained = rnnkit(
    'train',
    'text',
    '--data',
    'small.txt',
    '--unit',
    'word',
    '--max-vocab',
    '10',
    ...TINY,
    '--weights',
    'float16',
    '--out',
    'words',
  );
});

describe('rnnkit train text --unit word', () => {
  it('trains a word model, scores perplexity per word and saves float16 weights', () => {
    expect(trained.code).toBe(0);
    expect(trained.stderr).toMatch(
      /^text: unit word \(set\), cell lstm, units 16 \(set\), dims 16, maxVocab 10 \(set\), seqLength 8 \(set\), epochs 2 \(set\) \(defaults for \d+ words\)$/m,
    );
    expect(trained.stderr).toMatch(/val perplexity \d+\.\d{4}$/m);
    expect(trained.stderr).toMatch(/^validation: perplexity \d+\.\d{2} per word on \d+ words$/m);
    const doc = JSON.parse(readFileSync(join(work, 'words', 'rnnkit.json'), 'utf8'));
    expect(doc.weights).toEqual({ dtype: 'float16' });
    expect(doc.training.config).toMatchObject({ unit: 'word', maxVocab: 10 });
    expect(doc.vocab.tokens).toHaveLength(10);
  });

  it('generate prints the prime, then words joined by single spaces', () => {
    const a = rnnkit('generate', 'words', '--prime', 'the cat', '--length', '12', '--seed', '1');
    expect(a.code).toBe(0);
    expect(a.stdout.startsWith('the cat ')).toBe(true);
    const words = a.stdout.trimEnd().split(' ').slice(2);
    expect(words).toHaveLength(12);
    for (const w of words) expect(WORDS.has(w)).toBe(true);
    expect(
      rnnkit('generate', 'words', '--prime', 'the cat', '--length', '12', '--seed', '1').stdout,
    ).toBe(a.stdout);
    // no --prime: the most frequent word; a prime of no words is a usage error
    expect(rnnkit('generate', 'words', '--length', '3').stdout.trimEnd().split(' ')).toHaveLength(
      4,
    );
    const bad = rnnkit('generate', 'words', '--prime', '!!');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--prime "!!" has no word the model knows/);
    expect(bad.stderr).not.toMatch(STACK_LINE);
  });

  it('--weights int8 saves an int8 artifact that generate loads', () => {
    const r = rnnkit(
      'train',
      'text',
      '--data',
      'small.txt',
      ...TINY,
      '--weights',
      'int8',
      '--out',
      'q',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(work, 'q', 'rnnkit.json'), 'utf8')).weights).toEqual({
      dtype: 'int8',
    });
    const g = rnnkit('generate', 'q', '--prime', 'the ', '--length', '20', '--seed', '1');
    expect(g.code).toBe(0);
    expect(g.stdout).toHaveLength('the '.length + 20 + 1);
  });

  it('rejects a bad --unit, --weights or --max-vocab, and --unit on another task, in one line', () => {
    const cases: [string[], RegExp][] = [
      [['--unit', 'sentence'], /--unit.*char, word/],
      [['--weights', 'int4'], /--weights.*float32, float16, int8/],
      [['--unit', 'word', '--max-vocab', '2'], /--max-vocab/],
    ];
    for (const [flags, message] of cases) {
      const r = rnnkit('train', 'text', '--data', 'small.txt', ...flags, '--out', 'x');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(STACK_LINE);
    }
    const other = rnnkit('train', 'forecast', '--data', 's.csv', '--unit', 'word');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--unit is an option of rnnkit train text, not of forecast/);
  });
});
