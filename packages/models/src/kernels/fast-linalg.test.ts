import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { colSum, columns, transposeData } from './fast-linalg.js';

describe('fast-linalg', () => {
  it('transposeData matches the definition out[j][i] = src[i][j] for any shape', () => {
    // Shapes around the 64-wide blocks and the 4-row unrolling (remainders of both).
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 140 }), fc.integer({ min: 1, max: 140 }), (r, c) => {
        const src = Float32Array.from({ length: r * c }, (_, k) => k + 0.5);
        const out = transposeData(src, r, c);
        expect(out.length).toBe(r * c);
        for (let i = 0; i < r; i++) {
          for (let j = 0; j < c; j++) {
            if (out[j * r + i] !== src[i * c + j]) throw new Error(`(${i}, ${j}) of ${r}x${c}`);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('transposeData twice is the identity', () => {
    const src = Float32Array.from({ length: 67 * 130 }, (_, k) => Math.sin(k));
    expect(transposeData(transposeData(src, 67, 130), 130, 67)).toEqual(src);
  });

  it('columns and colSum', () => {
    const d = new Float32Array([1, 2, 3, 4, 5, 6]); // [2, 3]
    expect(Array.from(columns(d, 2, 3, 1, 2))).toEqual([2, 3, 5, 6]);
    expect(Array.from(colSum(d, 2, 3))).toEqual([5, 7, 9]);
  });
});
