import { recurrenceEngine } from '@rnnkit/models';
import { nativeAdam } from '@rnnkit/models/kernels';
import { mulberry32 } from '@rnnkit/windowing';
import { describe, expect, it } from 'vitest';
import { type AdamScalars, adamPass, adamPassJs, adamPassSimd } from './adam-pass.js';

const f32 = Math.fround;

/** Values over `decades` orders of magnitude around 1, both signs. */
function values(n: number, decades: number, r: () => number): Float32Array {
  return Float32Array.from(
    { length: n },
    () => (r() - 0.5) * 10 ** Math.floor(r() * decades - decades / 2),
  );
}

/** Positions where a and b differ in any bit (a NaN equals only the same NaN). */
function bitDiffs(a: Float32Array, b: Float32Array): number[] {
  const [x, y] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer)];
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i] || a.length !== b.length) out.push(i);
  return out;
}

/** The scalars of update t at learning rate lr (AdamW decay wd; 0 for Adam), as tfjs rounds them. */
function scalars(t: number, lr: number, wd: number): AdamScalars {
  return {
    b1: f32(0.9),
    b2: f32(0.999),
    omb1: f32(1 - 0.9),
    omb2: f32(1 - 0.999),
    omab1: f32(1 - f32(0.9 ** t)),
    omab2: f32(1 - f32(0.999 ** t)),
    eps: f32(1e-7),
    negLr: f32(-lr),
    keep: f32(1 - lr * wd),
  };
}

describe('adamPass', () => {
  it('runs the WebAssembly SIMD pass under Node', () => {
    expect(adamPassSimd).not.toBeNull();
  });

  it('the pass it picks (native where @rnnkit/native runs) gives the JS bits', () => {
    // nativeAdam is null without the addon: then adamPass is the wasm pass, compared the same way
    const r = mulberry32(5);
    for (const n of [4096, 70_001, 5, 300_000]) {
      for (const [inPlace, wd] of [
        [true, 0],
        [false, 0.05],
      ] as const) {
        const w = values(n, 8, r);
        const g = values(n, 12, r);
        const m = values(n, 10, r);
        const v = values(n, 12, r).map(Math.abs);
        const c = scalars(1 + Math.floor(r() * 500), r() * 0.1, wd);
        const js = { m: m.slice(), v: v.slice(), out: new Float32Array(n) };
        adamPassJs(w, g, js.m, js.v, js.out, c);
        const got = { w: w.slice(), m: m.slice(), v: v.slice(), out: new Float32Array(n) };
        adamPass(got.w, g, got.m, got.v, inPlace ? got.w : got.out, c);
        expect(bitDiffs(inPlace ? got.w : got.out, js.out)).toEqual([]);
        expect(bitDiffs(got.m, js.m)).toEqual([]);
        expect(bitDiffs(got.v, js.v)).toEqual([]);
        if (!inPlace) expect(bitDiffs(got.w, w)).toEqual([]); // w untouched
      }
    }
    // the native pass is there exactly when the native engine runs
    expect(nativeAdam() !== null).toBe(recurrenceEngine().engine === 'native');
  });

  it('SIMD and JS passes give the same bits (Adam and AdamW, any length, in place or not)', () => {
    const r = mulberry32(3);
    let compared = 0;
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + Math.floor(r() * 700); // lengths that are and are not multiples of 4
      const w = values(n, 8, r);
      const g = values(n, 12, r);
      const m = values(n, 10, r);
      const v = values(n, 12, r).map(Math.abs);
      const c = scalars(1 + Math.floor(r() * 500), r() * 0.1, trial % 3 === 0 ? r() * 0.1 : 0);
      const js = { m: m.slice(), v: v.slice(), out: new Float32Array(n) };
      adamPassJs(w, g, js.m, js.v, js.out, c);
      const simd = { w: w.slice(), m: m.slice(), v: v.slice() };
      adamPassSimd!(simd.w, g, simd.m, simd.v, simd.w, c); // in place, as wasm training runs it
      expect(bitDiffs(simd.w, js.out)).toEqual([]);
      expect(bitDiffs(simd.m, js.m)).toEqual([]);
      expect(bitDiffs(simd.v, js.v)).toEqual([]);
      compared += n;
    }
    expect(compared).toBeGreaterThan(10_000);
  });

  it('grows its memory for large variables and keeps small ones right afterwards', () => {
    const r = mulberry32(9);
    for (const n of [300_000, 5]) {
      const w = values(n, 4, r);
      const g = values(n, 6, r);
      const c = scalars(1, 0.01, 0);
      const js = { m: new Float32Array(n), v: new Float32Array(n), out: new Float32Array(n) };
      const simd = { m: new Float32Array(n), v: new Float32Array(n), out: new Float32Array(n) };
      adamPassJs(w, g, js.m, js.v, js.out, c);
      adamPassSimd!(w, g, simd.m, simd.v, simd.out, c);
      expect(bitDiffs(simd.out, js.out)).toEqual([]);
      expect(bitDiffs(simd.v, js.v)).toEqual([]);
    }
  });
});
