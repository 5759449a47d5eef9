import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batches } from './batches.js';
import { WindowingError } from './errors.js';
import { nextTokenCount, nextTokenWindows } from './next-token.js';
import { throwsCode } from './test-helpers.js';

describe('nextTokenWindows', () => {
  it('gives x = ids[:-1], y = ids[1:] when seqLength = n - 1 (the tutorial)', () => {
    const w = nextTokenWindows([5, 6, 7, 8], { seqLength: 3 });
    expect(w.length).toBe(1);
    expect(Array.from(w.get(0).x)).toEqual([5, 6, 7]);
    expect(Array.from(w.get(0).y)).toEqual([6, 7, 8]);
    expect(Array.from(w.get(0).mask)).toEqual([1, 1, 1]);
  });

  it('steps by stride', () => {
    const w = [...nextTokenWindows([0, 1, 2, 3, 4, 5, 6], { seqLength: 2, stride: 2 })];
    expect(w.map((e) => Array.from(e.x))).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  it("pads the short last window with lastWindow: 'pad' (module example)", () => {
    const p = nextTokenWindows([1, 2, 3, 4, 5, 6], { seqLength: 3, stride: 3, lastWindow: 'pad' });
    expect(p.length).toBe(2);
    const last = p.get(1);
    expect(Array.from(last.x)).toEqual([4, 5, 0]);
    expect(Array.from(last.y)).toEqual([5, 6, 0]);
    expect(Array.from(last.mask)).toEqual([1, 1, 0]);
    // drop (the default) leaves it out
    expect(nextTokenWindows([1, 2, 3, 4, 5, 6], { seqLength: 3, stride: 3 }).length).toBe(1);
  });

  it("gives one padded window for a sequence shorter than the window with 'pad'", () => {
    const p = nextTokenWindows([7, 8, 9], { seqLength: 5, lastWindow: 'pad', padId: -1 });
    expect(p.length).toBe(1);
    expect(Array.from(p.get(0).x)).toEqual([7, 8, -1, -1, -1]);
    expect(Array.from(p.get(0).y)).toEqual([8, 9, -1, -1, -1]);
  });

  it('adds no padded window when the full windows cover every pair', () => {
    const p = nextTokenWindows([0, 1, 2, 3, 4, 5, 6], {
      seqLength: 3,
      stride: 3,
      lastWindow: 'pad',
    });
    expect(p.length).toBe(2); // 0..2 and 3..5 predict up to id 6: nothing left over
  });

  it('copies batches into [size, seqLength] arrays, reusing buffers with reuse: true', () => {
    const ids = Int32Array.from({ length: 20 }, (_, i) => i);
    const w = nextTokenWindows(ids, { seqLength: 4, stride: 2 });
    const seen: number[][] = [];
    let firstBuffer: ArrayBufferLike | undefined;
    for (const b of batches(w, { batchSize: 3, reuse: true })) {
      firstBuffer ??= b.x.buffer;
      expect(b.x.buffer).toBe(firstBuffer);
      expect(b.shapes.x).toEqual([b.size, 4]);
      for (let r = 0; r < b.size; r++) seen.push(Array.from(b.y.subarray(r * 4, r * 4 + 4)));
    }
    expect(seen).toEqual(
      Array.from({ length: w.length }, (_, k) => [1, 2, 3, 4].map((v) => v + 2 * k)),
    );
  });

  it('rejects a window longer than the sequence, with the fix', () => {
    expect(() => nextTokenWindows([1, 2], { seqLength: 2 })).toThrow(WindowingError);
    throwsCode(() => nextTokenWindows([1, 2], { seqLength: 2 }), 'WINDOW_TOO_LONG', /at most 1/);
  });

  it('rejects bad options and ids', () => {
    throwsCode(() => nextTokenWindows([1, 2, 3], { seqLength: 1, stride: 0 }), 'BAD_OPTION');
    throwsCode(() => nextTokenWindows([1, 2, 3], { seqLength: 0 }), 'BAD_OPTION');
    throwsCode(() => nextTokenWindows([], { seqLength: 1 }), 'EMPTY_INPUT');
    throwsCode(
      () => nextTokenWindows([1, Number.NaN, 3], { seqLength: 1 }),
      'NOT_FINITE',
      /ids\[1\]/,
    );
    throwsCode(() => nextTokenWindows([1, 2.5, 3], { seqLength: 1 }), 'BAD_OPTION', /ids\[1\]/);
    throwsCode(() => nextTokenWindows([1, 2, 3], { seqLength: 1 }).get(5), 'OUT_OF_RANGE');
  });

  it('properties: x is a contiguous slice at k * stride, y = x shifted, count is the closed form', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 60 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        (n, L, stride, pad) => {
          const ids = Int32Array.from({ length: n }, (_, i) => i + 1);
          const full = n >= L + 1 ? Math.floor((n - 1 - L) / stride) + 1 : 0;
          expect(nextTokenCount(n, L, stride)).toBe(full);
          if (full === 0 && !pad) {
            expect(() => nextTokenWindows(ids, { seqLength: L, stride })).toThrow(WindowingError);
            return;
          }
          const w = nextTokenWindows(ids, {
            seqLength: L,
            stride,
            lastWindow: pad ? 'pad' : 'drop',
          });
          expect(w.length === full || (pad && w.length === full + 1)).toBe(true);
          for (let k = 0; k < w.length; k++) {
            const { x, y, mask } = w.get(k);
            for (let t = 0; t < L; t++) {
              if (mask[t]) {
                expect(x[t]).toBe(k * stride + t + 1);
                expect(y[t]).toBe(x[t]! + 1);
              } else {
                expect(k).toBe(full); // only the padded last window has padding
              }
            }
          }
          if (pad && w.length > full) {
            const last = w.get(w.length - 1);
            const real = last.mask.reduce((a, b) => a + b, 0);
            expect(last.y[real - 1]).toBe(n); // the padded window reaches the final id
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
