import { recurrenceEngine } from '@rnnkit/models';
import { nativeAdam } from '@rnnkit/models/kernels';
import { mulberry32 } from '@rnnkit/windowing';
import { describe, expect, it } from 'vitest';
import {
  AdamArena,
  type AdamPassKind,
  type AdamScalars,
  adamPassJs,
  simdAvailable,
} from './adam-pass.js';

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

/** One slot's values before a pass and the JS pass's result of them. */
interface Case {
  w: Float32Array;
  g: Float32Array;
  m: Float32Array;
  v: Float32Array;
  js: { w: Float32Array; m: Float32Array; v: Float32Array };
}

function caseOf(n: number, r: () => number, c: AdamScalars): Case {
  const w = values(n, 8, r);
  const g = values(n, 12, r);
  const m = values(n, 10, r);
  const v = values(n, 12, r).map(Math.abs);
  const js = { w: new Float32Array(n), m: m.slice(), v: v.slice() };
  adamPassJs(w, g, js.m, js.v, js.w, c);
  return { w, g, m, v, js };
}

/** Fills an arena with the cases, runs `kind`'s pass and compares every slot with the JS pass. */
function expectArenaBits(cases: Case[], c: AdamScalars, kind?: AdamPassKind): void {
  const arena = new AdamArena(cases.map((k) => k.w.length));
  cases.forEach((k, i) => {
    arena.w(i).set(k.w);
    arena.g(i).set(k.g);
    arena.m(i).set(k.m);
    arena.v(i).set(k.v);
  });
  arena.run(c, kind);
  cases.forEach((k, i) => {
    expect(bitDiffs(arena.w(i), k.js.w)).toEqual([]);
    expect(bitDiffs(arena.m(i), k.js.m)).toEqual([]);
    expect(bitDiffs(arena.v(i), k.js.v)).toEqual([]);
    expect(bitDiffs(arena.g(i), k.g)).toEqual([]); // g untouched
  });
}

describe('AdamArena', () => {
  it('runs the WebAssembly SIMD pass under Node', () => {
    expect(simdAvailable()).toBe(true);
    expect(new AdamArena([3, 5]).pass()).toBe('simd');
    expect(new AdamArena([3, 5], false).pass()).toBe('js');
  });

  it('the pass it picks (native where @rnnkit/native runs) gives the JS bits', () => {
    // nativeAdam is null without the addon: then large arenas run the wasm pass, compared the same way
    const r = mulberry32(5);
    for (const sizes of [[4096], [70_001, 5], [300_000, 33, 4096]]) {
      for (const wd of [0, 0.05]) {
        const c = scalars(1 + Math.floor(r() * 500), r() * 0.1, wd);
        expectArenaBits(
          sizes.map((n) => caseOf(n, r, c)),
          c,
        );
      }
    }
    // the native pass is there exactly when the native engine runs, and picked for large arenas
    expect(nativeAdam() !== null).toBe(recurrenceEngine().engine === 'native');
    expect(new AdamArena([4096]).pass()).toBe(nativeAdam() !== null ? 'native' : 'simd');
  });

  it('SIMD and JS passes give the same bits (Adam and AdamW, any lengths, many slots)', () => {
    const r = mulberry32(3);
    let compared = 0;
    for (let trial = 0; trial < 30; trial++) {
      const c = scalars(1 + Math.floor(r() * 500), r() * 0.1, trial % 3 === 0 ? r() * 0.1 : 0);
      // lengths that are and are not multiples of 4, so slots start inside and after padding
      const cases = Array.from({ length: 1 + Math.floor(r() * 5) }, () =>
        caseOf(1 + Math.floor(r() * 700), r, c),
      );
      expectArenaBits(cases, c, 'simd');
      compared += cases.reduce((sum, k) => sum + k.w.length, 0);
    }
    expect(compared).toBeGreaterThan(10_000);
  });

  it('grows its memory for large arenas; the JS arena gives the same bits', () => {
    const r = mulberry32(9);
    const c = scalars(1, 0.01, 0);
    for (const n of [300_000, 5]) {
      expectArenaBits([caseOf(n, r, c)], c, 'simd');
      expectArenaBits([caseOf(n, r, c)], c, 'js');
    }
    // each arena its own memory: a second one does not move the first one's values
    const a = new AdamArena([6]);
    a.w(0).set([1, 2, 3, 4, 5, 6]);
    const b = new AdamArena([300_000]);
    b.w(0).fill(7);
    expect(Array.from(a.w(0))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
