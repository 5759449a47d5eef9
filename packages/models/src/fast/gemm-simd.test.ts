import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lstmBackwardStep, lstmForwardStep } from './fast-gates.js';
import type { SimdVariant } from './gates-simd.js';
import { type GemmLstm, gemmLstm, gemmLstmFor } from './gemm-simd.js';
import { shape, values } from './test-gates.js';

// The fused module (own GEMM + the SIMD gates) against the JS steps of fast-gates.ts over a
// float64 product, both builds. Outputs within 1e-5 and gradients within 1e-4 (the kernel's bars
// against its reference), relative to 1 + |value|: the products sum in float32 (k order), the
// gates differ from the JS tables by < 5e-7 (gates-simd.test.ts).
const VARIANTS: SimdVariant[] = ['simd', 'relaxed'];
const OUT_TOL = 1e-5;
const GRAD_TOL = 1e-4;

/** a [n, k] b [k, m] in float64, rounded once to float32. */
function product(a: Float32Array, n: number, k: number, b: Float32Array, m: number) {
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += (a[i * k + q] as number) * (b[q * m + j] as number);
      out[i * m + j] = s;
    }
  }
  return out;
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c] as number;
  return out;
}

/** Largest |a - b| / (1 + |b|). */
function worst(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number)) / (1 + Math.abs(b[i] as number));
    if (!(d <= w)) w = d;
  }
  return w;
}

interface Case {
  batch: number;
  units: number;
  time: number;
  seed: number;
  scale: number;
}

/** A whole forward and backward through time, by the module and by the JS reference. */
function runBoth(lstm: GemmLstm, p: Case) {
  const { batch, units, time, seed, scale } = p;
  const n = batch * units;
  const g = 4 * units;
  const recurrent = values(units * g, scale / Math.sqrt(units), seed);
  const xp = values(time * batch * g, scale, seed + 1);
  const h0 = values(n, 1, seed + 2);
  const c0 = values(n, 2, seed + 3);
  const dhT = values(n, 1, seed + 4);
  const dcT = values(n, 1, seed + 5);
  const run = (fused: boolean) => {
    const hs = new Float32Array((time + 1) * n);
    const cs = new Float32Array((time + 1) * n);
    hs.set(h0);
    cs.set(c0);
    const gates = xp.slice();
    const s = shape(batch, units);
    if (fused) {
      const f = lstm.forward(recurrent, batch, hs, cs);
      for (let k = 0; k < time; k++) f.step(k, gates, hs, cs, gates);
    } else {
      for (let k = 0; k < time; k++) {
        const m = product(hs.subarray(k * n, (k + 1) * n), batch, units, recurrent, g);
        lstmForwardStep(s, k, gates, m, hs, cs, gates, null);
      }
    }
    const fwd = { hs: hs.slice(), cs: cs.slice(), gates: gates.slice() };
    const dh = dhT.slice();
    const dc = dcT.slice();
    const rT = transpose(recurrent, units, g);
    if (fused) {
      const b = lstm.backward(recurrent, batch, dc);
      for (let k = time - 1; k >= 0; k--) b.step(k, dh, cs, gates, gates);
      b.finish(dc);
    } else {
      for (let k = time - 1; k >= 0; k--) {
        lstmBackwardStep(s, k, dh, dc, cs, gates, gates, null);
        dh.set(product(gates.subarray(k * batch * g, (k + 1) * batch * g), batch, g, rT, units));
      }
    }
    return { fwd, dZ: gates, dh, dc };
  };
  return { fused: run(true), ref: run(false) };
}

const cases: fc.Arbitrary<Case> = fc.record({
  batch: fc.integer({ min: 1, max: 11 }),
  units: fc.integer({ min: 1, max: 9 }).map((e) => 8 * e),
  time: fc.integer({ min: 1, max: 4 }),
  seed: fc.nat(),
  scale: fc.constantFrom(0.5, 2),
});

describe('gemmLstm', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: forward and backward through time match the JS steps over float64 products`, () => {
      const modules = new Map<number, GemmLstm>();
      fc.assert(
        fc.property(cases, (p) => {
          if (!modules.has(p.units)) modules.set(p.units, gemmLstm(variant, p.units) as GemmLstm);
          const lstm = modules.get(p.units) as GemmLstm;
          expect(lstm.variant).toBe(variant);
          const { fused, ref } = runBoth(lstm, p);
          expect(worst(fused.fwd.hs, ref.fwd.hs)).toBeLessThan(OUT_TOL);
          expect(worst(fused.fwd.cs, ref.fwd.cs)).toBeLessThan(OUT_TOL);
          expect(worst(fused.fwd.gates, ref.fwd.gates)).toBeLessThan(OUT_TOL);
          expect(worst(fused.dZ, ref.dZ)).toBeLessThan(GRAD_TOL);
          expect(worst(fused.dh, ref.dh)).toBeLessThan(GRAD_TOL);
          expect(worst(fused.dc, ref.dc)).toBeLessThan(GRAD_TOL);
        }),
        { numRuns: 60 },
      );
    });

    it(`${variant}: the same inputs give the same bits, run after run and on a fresh module`, () => {
      const p = { batch: 5, units: 24, time: 3, seed: 7, scale: 2 };
      const a = runBoth(gemmLstm(variant, 24) as GemmLstm, p).fused;
      const lstm = gemmLstm(variant, 24) as GemmLstm;
      runBoth(lstm, { ...p, batch: 9, seed: 99 }); // other sizes in between
      const b = runBoth(lstm, p).fused;
      expect(Array.from(b.fwd.hs)).toEqual(Array.from(a.fwd.hs));
      expect(Array.from(b.dZ)).toEqual(Array.from(a.dZ));
      expect(Array.from(b.dh)).toEqual(Array.from(a.dh));
      expect(Array.from(b.dc)).toEqual(Array.from(a.dc));
    });
  }

  for (const variant of VARIANTS) {
    it(`${variant}: the recurrent weight gradient a^T d matches a float64 product`, () => {
      const modules = new Map<number, GemmLstm>();
      fc.assert(
        fc.property(
          fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 250, max: 600 })), // rows: one pass of 256 or more
          fc.integer({ min: 1, max: 6 }).map((e) => 8 * e),
          fc.nat(),
          (rows, units, seed) => {
            if (!modules.has(units)) modules.set(units, gemmLstm(variant, units) as GemmLstm);
            const lstm = modules.get(units) as GemmLstm;
            const a = values(rows * units, 1, seed);
            const d = values(rows * 4 * units, 1, seed + 1);
            const got = lstm.weightGrad(a, rows, d);
            const want = product(transpose(a, rows, units), units, rows, d, 4 * units);
            // sums of rows products of |value| <= 1, each rounded: within rows 2^-23 of the sum
            expect(worst(got, want)).toBeLessThan(rows * 1.2e-7);
            // the same bits again (the module's memory holds the last call's blocks)
            expect(Array.from(lstm.weightGrad(a, rows, d))).toEqual(Array.from(got));
          },
        ),
        { numRuns: 40 },
      );
    });
  }

  it('applies to LSTMs with tanh / sigmoid and units a multiple of 8 only', () => {
    expect(gemmLstmFor('lstm', 'tanh', 'sigmoid', 256)?.units).toBe(256);
    expect(gemmLstmFor('lstm', 'tanh', 'sigmoid', 256)).toBe(
      gemmLstmFor('lstm', 'tanh', 'sigmoid', 256),
    );
    expect(gemmLstmFor('lstm', 'tanh', 'sigmoid', 12)).toBeNull();
    expect(gemmLstmFor('gru', 'tanh', 'sigmoid', 256)).toBeNull();
    expect(gemmLstmFor('lstm', 'relu', 'sigmoid', 256)).toBeNull();
    expect(gemmLstmFor('lstm', 'tanh', 'hardSigmoid', 256)).toBeNull();
    expect(gemmLstm('simd', 12)).toBeNull();
  });
});
