import { describe, expect, it } from 'vitest';
import { mulberry32, permutation } from './random.js';

describe('mulberry32 / permutation', () => {
  it('is deterministic per seed (module example values)', () => {
    expect(mulberry32(42)()).toBe(0.6011037519201636);
    expect(Array.from(permutation(5, mulberry32(1)))).toEqual([4, 2, 1, 0, 3]);
  });

  it('gives each of 0..n-1 once', () => {
    const p = Array.from(permutation(100, mulberry32(7))).sort((a, b) => a - b);
    expect(p).toEqual([...Array(100).keys()]);
  });
});
