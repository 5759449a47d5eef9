import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lstmBackwardStep, lstmForwardStep } from './fast-gates.js';
import {
  type SimdKernels,
  type SimdVariant,
  simdExp,
  simdKernels,
  simdLstm,
  simdTranspose,
  simdVariant,
} from './gates-simd.js';
import { shape, values } from './test-gates.js';
import { hasRelaxedSimd } from './wasm-bytes.js';

// Where the tolerances come from. The JS steps use a table sigmoid, 1.8e-7 from float64's
// (tanh = 2 sigmoid(2x) - 1: 3.7e-7; 2.1e-7 and 3.9e-7 with the float32 store, measured on a
// 0.0003 grid over [-30, 30]); the SIMD module's float32 sigmoid and tanh are within 1.2e-7 of
// float64 (measured 8.9e-8 for both, asserted below). So one gate differs by at most
// 3.9e-7 + 1.2e-7 < 5e-7 (GATE_TOL; measured 4.2e-7). Products scale that: c = f c_prev + i g
// carries |c_prev| times f's difference, h = o tanh(c) carries c's, so c and h get
// 5e-7 (2 + |c_prev|); backward values are products of dh, dc, the gates and c_prev (and of a
// recomputed tanh(c)), so they get 5e-7 (1 + |dh| + |dc|) (1 + |c_prev|). Measured (300 random
// steps, batch 1-33, units 4-260, values up to 30): c 0.50, h 0.64, dZ 0.24, dc 0.47 of the bounds.
const GATE_TOL = 5e-7;

// Both builds of the module, each held to the same bars against the JS steps below. The test
// process has relaxed SIMD (Node 22+ has it on; vitest.config.ts gives Node 20 the flag).
const VARIANTS: SimdVariant[] = ['simd', 'relaxed'];
const kernels = (variant: SimdVariant) => simdKernels(variant) as SimdKernels;

/** Largest |a - b| / tol(i) over a range, and where (NaN where both are NaN counts as equal). */
function worst(
  a: Float32Array,
  b: Float32Array,
  from: number,
  to: number,
  tol: (i: number) => number,
) {
  let ratio = 0;
  let at = -1;
  for (let i = from; i < to; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const r = Math.abs(x - y) / tol(i);
    if (!(r <= ratio)) {
      ratio = r;
      at = i;
    }
  }
  return { ratio, at };
}

const sizes: fc.Arbitrary<Sizes> = fc.record({
  batch: fc.integer({ min: 1, max: 33 }),
  quads: fc.integer({ min: 1, max: 65 }), // units = 4 quads: 4..260
  time: fc.integer({ min: 1, max: 4 }),
  kPick: fc.nat(),
  seed: fc.nat(),
  scale: fc.constantFrom(0.5, 3, 30), // pre-activations: small, typical, saturating
  cScale: fc.constantFrom(1, 4, 30),
  aliased: fc.boolean(),
  viewAt: fc.nat({ max: 1100 }), // m, dh and dc as views this many floats into a larger buffer
});

type Sizes = {
  batch: number;
  quads: number;
  time: number;
  kPick: number;
  seed: number;
  scale: number;
  cScale: number;
  aliased: boolean;
  viewAt: number;
};

/** `a` copied into a larger buffer, `at` floats in (so its byteOffset is 4 at). */
function viewOf(a: Float32Array, at: number): Float32Array {
  const big = new Float32Array(at + a.length + 7).fill(Number.NaN);
  big.set(a, at);
  return big.subarray(at, at + a.length);
}

/** Runs JS and SIMD forward on copies; gates === xp when aliased. */
function forwardBoth(p: Sizes, mod: SimdKernels['lstm']) {
  const units = 4 * p.quads;
  const n = p.batch * units;
  const k = p.kPick % p.time;
  const xp = values(p.time * 4 * n, p.scale, p.seed);
  const m = viewOf(values(4 * n, p.scale, p.seed + 1), p.viewAt);
  const cs = values((p.time + 1) * n, p.cScale, p.seed + 2);
  const hs = values((p.time + 1) * n, 1, p.seed + 3);
  const run = (
    step: (x: Float32Array, h: Float32Array, c: Float32Array, g: Float32Array) => void,
  ) => {
    const x = xp.slice();
    const h = hs.slice();
    const c = cs.slice();
    const g = p.aliased ? x : new Float32Array(x.length);
    step(x, h, c, g);
    return { x, h, c, g };
  };
  const js = run((x, h, c, g) => lstmForwardStep(shape(p.batch, units), k, x, m, h, c, g, null));
  const simd = run((x, h, c, g) => mod.forward(p.batch, units, k, x, m, h, c, g));
  return { units, n, k, xp, cs, hs, js, simd };
}

describe('simdVariant', () => {
  it('is relaxed where the engine has relaxed SIMD, as in this test process', () => {
    expect(hasRelaxedSimd()).toBe(true);
    expect(simdVariant).toBe('relaxed');
    expect(simdLstm).not.toBeNull();
  });

  it('both builds run here; plain SIMD is the fallback where relaxed SIMD is missing', () => {
    for (const v of VARIANTS) expect(simdKernels(v)?.variant).toBe(v);
    // an engine without relaxed SIMD: validate() refuses the probe, so the plain module is chosen
    expect(hasRelaxedSimd(() => false)).toBe(false);
    expect(
      hasRelaxedSimd(() => {
        throw new Error('no WebAssembly');
      }),
    ).toBe(false);
  });

  it('the two builds agree within float rounding (gates, c, h, dZ, dc, exp; transpose bit for bit)', () => {
    const [plain, relaxed] = VARIANTS.map(kernels) as [SimdKernels, SimdKernels];
    fc.assert(
      fc.property(sizes, (p) => {
        // each build is within GATE_TOL (scaled) of the JS steps (below), so within twice that of
        // the other; measured: about 1e-7 on gates, c and h
        const a = forwardBoth(p, plain.lstm);
        const b = forwardBoth(p, relaxed.lstm);
        const { n, k, cs } = a;
        const [g0, s0] = [k * 4 * n, k * n];
        const cTol = (i: number) => 2 * GATE_TOL * (2 + Math.abs(cs[i - n] as number));
        const gTol = () => 2 * GATE_TOL;
        expect(worst(a.simd.g, b.simd.g, g0, g0 + 4 * n, gTol).ratio).toBeLessThanOrEqual(1);
        expect(worst(a.simd.c, b.simd.c, s0 + n, s0 + 2 * n, cTol).ratio).toBeLessThanOrEqual(1);
        expect(worst(a.simd.h, b.simd.h, s0 + n, s0 + 2 * n, cTol).ratio).toBeLessThanOrEqual(1);
        // backward from the same gates and states, bounded as in the backward test below
        const dh = values(n, 1, p.seed + 4);
        const dc0 = values(n, 1, p.seed + 5);
        const back = (mod: SimdKernels) => {
          const dc = dc0.slice();
          const z = a.simd.g.slice();
          mod.lstm.backward(p.batch, a.units, k, dh, dc, a.simd.c, z, z);
          return { dc, z };
        };
        const [da, db] = [back(plain), back(relaxed)];
        const bTol = (si: number) =>
          2 *
          GATE_TOL *
          (1 + Math.abs(dh[si] as number) + Math.abs(dc0[si] as number)) *
          (1 + Math.abs(a.simd.c[s0 + si] as number));
        const si = (i: number) => {
          const b = Math.floor((i - g0) / (4 * a.units));
          return b * a.units + ((i - g0) % a.units);
        };
        expect(worst(da.dc, db.dc, 0, n, bTol).ratio).toBeLessThanOrEqual(1);
        expect(worst(da.z, db.z, g0, g0 + 4 * n, (i) => bTol(si(i))).ratio).toBeLessThanOrEqual(1);
        // exp: each within 1.2e-7 relative of e^t
        const t = values(4 * n, 87, p.seed + 6).map((v) => -Math.abs(v));
        const [ea, eb] = [t.slice(), t.slice()];
        plain.exp(ea);
        relaxed.exp(eb);
        expect(
          worst(ea, eb, 0, t.length, (i) => 2.4e-7 * (ea[i] as number)).ratio,
        ).toBeLessThanOrEqual(1);
        // the transpose does no arithmetic: the same bits
        const [ta, tb] = [new Float32Array(4 * n), new Float32Array(4 * n)];
        plain.transpose(t, 4 * p.batch, a.units, ta);
        relaxed.transpose(t, 4 * p.batch, a.units, tb);
        expect(tb).toEqual(ta);
      }),
      { numRuns: 40 },
    );
  });
});

describe.each(VARIANTS)('simdLstm (%s)', (variant) => {
  const mod = kernels(variant).lstm;
  it('exists here, and insists on units % 4 === 0', () => {
    expect(mod).toBeDefined();
    const a = new Float32Array(64);
    expect(() => mod.forward(1, 6, 0, a, a, a, a, a)).toThrow(RangeError);
    expect(() => mod.backward(1, 6, 0, a, a, a, a, a)).toThrow(RangeError);
  });

  it('forward matches lstmForwardStep (gates, c, h; other slots untouched)', () => {
    fc.assert(
      fc.property(sizes, (p) => {
        const { n, k, xp, cs, hs, js, simd } = forwardBoth(p, mod);
        const g0 = k * 4 * n;
        const s0 = k * n;
        const cTol = (i: number) => GATE_TOL * (2 + Math.abs(cs[i - n] as number));
        expect(worst(js.g, simd.g, g0, g0 + 4 * n, () => GATE_TOL).ratio).toBeLessThanOrEqual(1);
        expect(worst(js.c, simd.c, s0 + n, s0 + 2 * n, cTol).ratio).toBeLessThanOrEqual(1);
        expect(worst(js.h, simd.h, s0 + n, s0 + 2 * n, cTol).ratio).toBeLessThanOrEqual(1);
        // everything outside step k's blocks is as it was (xp's other steps, other state slots)
        const outside = (a: Float32Array, b: Float32Array, from: number, to: number) =>
          a.every((v, i) => (i >= from && i < to) || Object.is(v, b[i]));
        expect(outside(simd.x, xp, g0, g0 + 4 * n)).toBe(true);
        if (!p.aliased) expect(simd.x).toEqual(xp); // xp is only read
        expect(outside(simd.c, cs, s0 + n, s0 + 2 * n)).toBe(true);
        expect(outside(simd.h, hs, s0 + n, s0 + 2 * n)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('backward matches lstmBackwardStep (dZ, dc), also with dZ === gates', () => {
    fc.assert(
      fc.property(sizes, fc.constantFrom(0.1, 1, 30), (p, gradScale) => {
        // gates and states from a real forward step, so i f o lie in (0, 1) and g in (-1, 1)
        const { units, n, k, js } = forwardBoth(p, mod);
        const dh = viewOf(values(n, gradScale, p.seed + 4), p.viewAt);
        const dc = viewOf(values(n, gradScale, p.seed + 5), p.viewAt);
        const run = (step: (d: Float32Array, g: Float32Array, z: Float32Array) => void) => {
          const d = viewOf(dc, p.viewAt);
          const g = js.g.slice();
          const z = p.aliased ? g : new Float32Array(g.length);
          step(d, g, z);
          return { d, z };
        };
        const a = run((d, g, z) =>
          lstmBackwardStep(shape(p.batch, units), k, dh, d, js.c, g, z, null),
        );
        const b = run((d, g, z) => mod.backward(p.batch, units, k, dh, d, js.c, g, z));
        const scale = (si: number) =>
          GATE_TOL *
          (1 + Math.abs(dh[si] as number) + Math.abs(dc[si] as number)) *
          (1 + Math.abs(js.c[k * n + si] as number));
        expect(worst(a.d, b.d, 0, n, scale).ratio).toBeLessThanOrEqual(1);
        const g0 = k * 4 * n;
        // dZ index -> its state index (row b, unit j of block q)
        const si = (i: number) => {
          const r = i - g0;
          const b = Math.floor(r / (4 * units));
          return b * units + (r % units);
        };
        expect(worst(a.z, b.z, g0, g0 + 4 * n, (i) => scale(si(i))).ratio).toBeLessThanOrEqual(1);
        // other steps of dZ untouched
        const before = p.aliased ? js.g : new Float32Array(js.g.length);
        expect(b.z.subarray(0, g0)).toEqual(before.subarray(0, g0));
        expect(b.z.subarray(g0 + 4 * n)).toEqual(before.subarray(g0 + 4 * n));
      }),
      { numRuns: 60 },
    );
  });

  it('sigmoid and tanh within 1.2e-7 of float64 on [-30, 30]; saturating and NaN inputs', () => {
    // One row of 4 units per 16 inputs: z in the i, f, c, o blocks; m = 0, c_prev = 0.
    const count = 200_000;
    const batch = count / 16;
    const xp = Float32Array.from({ length: count }, (_, i) => -30 + (60 * i) / count);
    const gates = new Float32Array(count);
    const states = new Float32Array(2 * batch * 4);
    mod.forward(batch, 4, 0, xp, new Float32Array(count), states.slice(), states, gates);
    let eSig = 0;
    let eTanh = 0;
    for (let i = 0; i < count; i++) {
      const z = xp[i] as number;
      const block = (i % 16) >> 2;
      const exact = block === 2 ? Math.tanh(z) : 1 / (1 + Math.exp(-z));
      const e = Math.abs((gates[i] as number) - exact);
      if (block === 2) eTanh = Math.max(eTanh, e);
      else eSig = Math.max(eSig, e);
    }
    expect(eSig).toBeLessThan(1.2e-7);
    expect(eTanh).toBeLessThan(1.2e-7);

    // i f c o pre-activations per unit: big, -big, NaN, infinities
    const x = Float32Array.of(
      ...[100, -100, Number.NaN, Infinity],
      ...[-Infinity, 100, 1, -Infinity],
    );
    const row = new Float32Array(16);
    row.set(x.subarray(0, 4), 0); // i block
    row.set(x.subarray(4, 8), 4); // f
    row.set(Float32Array.of(100, -100, 0, Infinity), 8); // c
    row.set(Float32Array.of(100, 100, 100, -100), 12); // o
    const h = new Float32Array(8);
    const c = Float32Array.of(1, 2, 3, 4, 0, 0, 0, 0);
    const g = new Float32Array(16);
    mod.forward(1, 4, 0, row, new Float32Array(16), h, c, g);
    // sigmoid(+-100) and +-Infinity saturate to 1 and 0 (0 within 1.6e-38), tanh to +-1
    expect(Array.from(g.subarray(0, 2))).toEqual([1, expect.closeTo(0, 30)]);
    expect(Number.isNaN(g[2])).toBe(true); // NaN in, NaN out: that element's gate...
    expect(Number.isNaN(c[6]) && Number.isNaN(h[6])).toBe(true); // ...and its c and h
    expect(g[3]).toBe(1);
    expect(Array.from(g.subarray(8, 12))).toEqual([1, -1, 0, 1]);
    expect(Array.from(c.subarray(4, 8))).toEqual([1, 2, Number.NaN, 1]);
    expect(h[4]).toBeCloseTo(Math.tanh(1), 6);
  });
});

describe.each(VARIANTS)('simdExp (%s)', (variant) => {
  const exp = kernels(variant).exp;
  it('gives e^t within 1.2e-7 relative on [-87, 0] (Cephes expf bound, float64 reference), any length', () => {
    expect(simdExp).not.toBeNull();
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -87, max: 0, noNaN: true }), { minLength: 1, maxLength: 70 }),
        (ts) => {
          const a = Float32Array.from(ts);
          exp(a);
          ts.forEach((t, i) => {
            const want = Math.exp(Math.fround(t));
            expect(Math.abs((a[i] as number) - want)).toBeLessThanOrEqual(1.2e-7 * want);
          });
        },
      ),
    );
  });

  it('clamps below -87 (about 1.6e-38, not 0) and keeps NaN', () => {
    const a = Float32Array.of(-1000, -87.5, Number.NaN, 0, -1);
    exp(a);
    expect(a[0]).toBeCloseTo(1.6458e-38, 42);
    expect(a[1]).toBe(a[0]);
    expect(a[2]).toBeNaN();
    expect(a[3]).toBe(1);
    expect(Math.abs((a[4] as number) - Math.exp(-1))).toBeLessThan(1e-7);
  });
});

describe('simdTranspose', () => {
  type Transpose = NonNullable<typeof simdTranspose>;
  const tr = simdTranspose as Transpose;
  /** out[j][i] = src[i][j] by the definition, as bits. */
  const reference = (src: Float32Array, rows: number, cols: number) => {
    const bits = new Uint32Array(src.buffer, src.byteOffset, rows * cols);
    const out = new Uint32Array(rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) out[j * rows + i] = bits[i * cols + j] as number;
    return out;
  };
  const bitsOf = (a: Float32Array, n: number) => new Uint32Array(a.buffer, a.byteOffset, n);
  /** The first index where a and b differ, or -1 (toEqual on millions of values takes seconds). */
  const firstDiff = (a: Uint32Array, b: Uint32Array) => {
    if (a.length !== b.length) return -2;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
    return -1;
  };
  /** Values with odd bits: NaNs with payloads, -0, subnormals, infinities, random words. */
  const words = (n: number, seed: number) => {
    const u = new Uint32Array(n);
    const r = values(n, 1, seed);
    const special = [0x7fc00001, 0xffa00000, 0x80000000, 0x00000001, 0x7f800000, 0xff800000];
    for (let i = 0; i < n; i++) {
      u[i] =
        i % 7 === 3
          ? (special[i % special.length] as number)
          : (((r[i] as number) * 2 ** 31) | 0) ^ (i * 2654435761);
    }
    return new Float32Array(u.buffer);
  };

  it('exists under Node 20 (WebAssembly SIMD), and insists on rows and cols % 4 === 0', () => {
    expect(simdTranspose).not.toBeNull();
    expect(() => tr(new Float32Array(24), 6, 4, new Float32Array(24))).toThrow(RangeError);
    expect(() => tr(new Float32Array(24), 4, 6, new Float32Array(24))).toThrow(RangeError);
    tr(new Float32Array(0), 0, 8, new Float32Array(0)); // nothing to move
  });

  it('moves every value bit for bit, any rows and cols multiples of 4 (views at any offset)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer(),
        (r4, c4, skip, seed) => {
          const [rows, cols] = [4 * r4, 4 * c4];
          const n = rows * cols;
          const src = words(n + skip + 8, seed).subarray(skip, skip + n + 8); // longer than n
          const out = new Float32Array(n + skip + 5).fill(7).subarray(skip);
          tr(src, rows, cols, out);
          expect(firstDiff(bitsOf(out, n), reference(src, rows, cols))).toBe(-1);
          expect(Array.from(out.subarray(n))).toEqual([7, 7, 7, 7, 7]); // past n: untouched
        },
      ),
      { numRuns: 80 },
    );
  });

  it('large shapes (padded output rows from 512 rows on), and out === src', () => {
    for (const [rows, cols] of [
      [2048, 1024],
      [1024, 2048],
      [1024, 256],
      [256, 1024],
      [2048, 64],
      [516, 12],
    ] as const) {
      const src = words(rows * cols, rows + cols);
      const out = new Float32Array(rows * cols);
      tr(src, rows, cols, out);
      const want = reference(src, rows, cols);
      expect(firstDiff(bitsOf(out, rows * cols), want)).toBe(-1);
      tr(src, rows, cols, src); // in place: read whole before written
      expect(firstDiff(bitsOf(src, rows * cols), want)).toBe(-1);
    }
  });

  it('leaves the gate steps and exp working after growing the memory', () => {
    const src = words(4096 * 1024, 9);
    tr(src, 4096, 1024, new Float32Array(4096 * 1024));
    const a = Float32Array.of(0, -1);
    (simdExp as (a: Float32Array) => void)(a);
    expect(a[0]).toBe(1);
    expect(Math.abs((a[1] as number) - Math.exp(-1))).toBeLessThan(1e-7);
  });
});
