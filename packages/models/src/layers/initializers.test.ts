import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { glorotUniform, orthogonal } from './initializers.js';

/** max |A A^T - I| over the shorter side of a [rows, cols] matrix. */
function orthoError(m: Float32Array, rows: number, cols: number): number {
  const byRows = rows <= cols;
  const n = byRows ? rows : cols;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      if (byRows) for (let t = 0; t < cols; t++) dot += m[i * cols + t]! * m[j * cols + t]!;
      else for (let t = 0; t < rows; t++) dot += m[t * cols + i]! * m[t * cols + j]!;
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

describe('orthogonal', () => {
  it('is orthonormal along the shorter side for any shape', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 24 }),
        fc.nat(),
        (r, c, s) => {
          expect(orthoError(orthogonal(r, c, s), r, c)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is a function of the seed', () => {
    expect(orthogonal(4, 16, 3)).toEqual(orthogonal(4, 16, 3));
    expect(orthogonal(4, 16, 3)).not.toEqual(orthogonal(4, 16, 4));
  });
});

describe('glorotUniform', () => {
  it('stays within sqrt(6 / (fanIn + fanOut)) and has mean near 0', () => {
    const w = glorotUniform(100, 200, 1);
    const a = Math.sqrt(6 / 300);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(a);
    expect(Math.abs(w.reduce((s, x) => s + x, 0) / w.length)).toBeLessThan(0.01);
  });
});
