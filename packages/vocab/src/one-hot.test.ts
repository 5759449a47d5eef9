import { describe, expect, it } from 'vitest';
import { VocabError } from './errors.js';
import { countIds, oneHot } from './one-hot.js';

describe('oneHot', () => {
  it('sets exactly one 1 per row at the id', () => {
    expect(Array.from(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(oneHot(new Int32Array([1]), 2)).toBeInstanceOf(Float32Array);
    expect(oneHot([], 4)).toHaveLength(0);
  });

  it('rejects an id outside [0, depth) instead of leaving a zero row', () => {
    expect(() => oneHot([0, 3], 3)).toThrow(/id 3 at position 1 is outside \[0, 3\)/);
    expect(() => oneHot([-1], 3)).toThrow(VocabError);
    expect(() => oneHot([0], 0)).toThrow(/depth must be an integer >= 1/);
  });
});

describe('countIds', () => {
  it('counts each id, or marks presence with binary', () => {
    expect(Array.from(countIds([2, 0, 2], 3))).toEqual([1, 0, 2]);
    expect(Array.from(countIds([2, 0, 2], 3, { binary: true }))).toEqual([1, 0, 1]);
  });

  it('rejects an out-of-range id', () => {
    expect(() => countIds([1.5], 3)).toThrow(/id 1.5 at position 0/);
  });
});
