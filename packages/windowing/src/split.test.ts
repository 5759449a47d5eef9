import { describe, expect, it } from 'vitest';
import { shuffledSplit } from './split.js';

describe('shuffledSplit', () => {
  it('partitions the indices, the same way for the same seed', () => {
    const a = shuffledSplit(100, { test: 0.2, seed: 7 });
    const b = shuffledSplit(100, { test: 0.2, seed: 7 });
    expect(a.test.length).toBe(20);
    expect([...a.train, ...a.test].sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
    expect(a).toEqual(b);
  });
});
