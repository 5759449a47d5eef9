import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { colSum, columns, transposeData, transposeJs } from './fast-linalg.js';
import { simdTranspose } from './gates-simd.js';

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

  it('transposeData gives the same bits as transposeJs (SIMD for multiples of 4, JS otherwise), into out', () => {
    expect(simdTranspose).not.toBeNull(); // Node 20: the SIMD path is what runs here
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        fc.boolean(),
        (r, c, by4) => {
          const [rows, cols] = by4 ? [4 * r, 4 * c] : [r, c];
          const n = rows * cols;
          const src = Float32Array.from(
            { length: n },
            (_, k) => Math.sin(k * 12.9898) * 43758.5453,
          );
          src[n >> 1] = -0;
          const out = new Float32Array(n + 3).fill(-1);
          expect(transposeData(src, rows, cols, out)).toBe(out);
          const want = transposeJs(src, rows, cols);
          const [got, bits] = [new Uint32Array(out.buffer, 0, n), new Uint32Array(want.buffer)];
          expect(got.findIndex((v, k) => v !== bits[k])).toBe(-1);
          expect(Array.from(out.subarray(n))).toEqual([-1, -1, -1]);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('transposeData on large shapes and on plain arrays (JS)', () => {
    for (const [rows, cols] of [
      [2048, 1024],
      [1024, 256],
      [256, 1024],
      [2048, 64],
      [1030, 64],
    ] as const) {
      const src = Float32Array.from({ length: rows * cols }, (_, k) => k);
      const out = transposeData(src, rows, cols);
      const want = transposeJs(src, rows, cols);
      expect(out.length).toBe(want.length);
      expect(out.findIndex((v, k) => v !== want[k])).toBe(-1); // values are distinct integers
      expect(out[1]).toBe(cols); // out[0][1] = src[1][0]
      expect(out[rows]).toBe(1); // out[1][0] = src[0][1]
    }
    const plain = Array.from({ length: 8 * 4 }, (_, k) => k);
    expect(transposeData(plain, 8, 4)).toEqual(transposeJs(plain, 8, 4));
  });

  it('colSum gives the bits of a row-major Float32Array sum, any shape', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 37 }),
        fc.integer(),
        (rows, cols, seed) => {
          let s = seed;
          const next = () => {
            s = (Math.imul(s, 1664525) + 1013904223) | 0;
            return s / 2 ** 31;
          };
          // values over 8 orders of magnitude, both signs: the rounding order shows
          const d = Float32Array.from(
            { length: rows * cols },
            () => next() * 10 ** Math.floor(Math.abs(next()) * 8 - 4),
          );
          const want = new Float32Array(cols);
          for (let r = 0; r < rows; r++)
            for (let j = 0; j < cols; j++)
              want[j] = (want[j] as number) + (d[r * cols + j] as number);
          expect(new Uint32Array(colSum(d, rows, cols).buffer)).toEqual(
            new Uint32Array(want.buffer),
          );
        },
      ),
    );
  });

  it('columns and colSum', () => {
    const d = new Float32Array([1, 2, 3, 4, 5, 6]); // [2, 3]
    expect(Array.from(columns(d, 2, 3, 1, 2))).toEqual([2, 3, 5, 6]);
    expect(Array.from(colSum(d, 2, 3))).toEqual([5, 7, 9]);
  });
});
