// The loader (which binary it finds, why none) and the addon's own checks: the GEMM against a
// plain triple loop for every transpose and every micro-kernel this CPU has, over random shapes
// (fast-check), the fused softmax head against float64 arithmetic, an LSTM run the same on every
// micro-kernel and gate build (a NaN included), and bad arguments rejected with a TypeError before
// any kernel runs. The recurrence itself is tested against the wasm engine
// in @rnnkit/models (src/fast/native.test.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// the built entry (the package's own file, as users load it; `pnpm build` makes it)
import { loadNative, nativeCandidates } from '../dist/index.cjs';

const loaded = loadNative();

describe('loadNative', () => {
  it('looks for the prebuild first, then the build from source', () => {
    const [pre, built] = nativeCandidates('/x');
    expect(pre).toBe(`/x/prebuilds/${process.platform}-${process.arch}/rnnkit_native.napi.node`);
    expect(built).toBe('/x/build/Release/rnnkit_native.node');
  });

  it('says why when there is no binary', () => {
    const got = loadNative(mkdtempSync(join(tmpdir(), 'rnnkit-native-')));
    expect(got.addon).toBeNull();
    expect(got.reason).toMatch(/no binary for .* it needs a C\+\+ compiler/);
  });
});

/** c [n, m] = op(a) op(b) by a triple loop (float64 sums). */
function naive(
  a: Float32Array,
  b: Float32Array,
  n: number,
  k: number,
  m: number,
  ta: boolean,
  tb: boolean,
) {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < k; p++) {
      const av = (ta ? a[p * n + i] : a[i * k + p]) as number;
      for (let j = 0; j < m; j++)
        c[i * m + j] =
          (c[i * m + j] as number) + av * ((tb ? b[j * k + p] : b[p * m + j]) as number);
    }
  return c;
}

describe.runIf(loaded.addon !== null)('the addon', () => {
  const addon = loaded.addon!;
  const addonPath = loaded.file!;

  it('multiplies like a triple loop, every transpose and micro-kernel, any shape', () => {
    const first = addon.info().isa;
    try {
      for (const isa of ['avx512', 'avx2', 'generic'] as const) {
        if (!addon.setIsa(isa)) continue;
        fc.assert(
          fc.property(
            fc.integer({ min: 1, max: 40 }),
            fc.integer({ min: 0, max: 400 }),
            fc.integer({ min: 1, max: 70 }),
            fc.boolean(),
            fc.boolean(),
            fc.boolean(),
            (n, k, m, ta, tb, acc) => {
              const a = Float32Array.from({ length: n * k }, (_, i) => Math.sin(i) * 0.5);
              const b = Float32Array.from({ length: k * m }, (_, i) => Math.cos(i * 0.7));
              const c = new Float32Array(n * m).fill(acc ? 1 : Number.NaN);
              addon.gemm(c, a, b, n, k, m, ta, tb, acc);
              const want = naive(a, b, n, k, m, ta, tb);
              for (let i = 0; i < n * m; i++) {
                expect(
                  Math.abs((c[i] as number) - (want[i] as number) - (acc ? 1 : 0)),
                ).toBeLessThan(1e-4 * (1 + Math.sqrt(k)));
              }
            },
          ),
          { numRuns: 40, seed: 11 },
        );
      }
    } finally {
      addon.setIsa(first as 'avx512');
    }
  });

  it('multiplies on both threads like a triple loop, k in blocks of unequal length', () => {
    // past the size a product runs on one thread (4 MFLOP): 64 x 700 x 200, k in blocks of 256,
    // 256 and 188, 7 column panels of 32 (AVX-512) split between the threads; a in place (row
    // major, AVX-512: the whole product one handover) and packed (transposed)
    const [n, k, m] = [64, 700, 200];
    const first = addon.info().isa;
    try {
      for (const isa of ['avx512', 'avx2', 'generic'] as const) {
        if (!addon.setIsa(isa)) continue;
        for (const [ta, tb] of [
          [false, false],
          [true, true],
        ] as const) {
          const a = Float32Array.from({ length: n * k }, (_, i) => Math.sin(i) * 0.5);
          const b = Float32Array.from({ length: k * m }, (_, i) => Math.cos(i * 0.7));
          const c = new Float32Array(n * m).fill(Number.NaN);
          addon.gemm(c, a, b, n, k, m, ta, tb, false);
          const want = naive(a, b, n, k, m, ta, tb);
          let worst = 0;
          for (let i = 0; i < n * m; i++)
            worst = Math.max(worst, Math.abs((c[i] as number) - (want[i] as number)));
          expect(worst).toBeLessThan(1e-4 * (1 + Math.sqrt(k)));
        }
      }
    } finally {
      addon.setIsa(first as 'avx512');
    }
  });

  it('rejects arrays too short, of the wrong type, or missing, with a TypeError', () => {
    const f = (n: number) => new Float32Array(n);
    expect(() => addon.gemm(f(3), f(4), f(4), 2, 2, 2, false, false, false)).toThrow(
      /c has 3 values, expected at least 4/,
    );
    expect(() =>
      addon.gemm(
        f(4),
        new Float64Array(4) as unknown as Float32Array,
        f(4),
        2,
        2,
        2,
        false,
        false,
        false,
      ),
    ).toThrow(TypeError);
    const spec = Int32Array.from([1, 0, 3, 2, 3, 4, 0]); // lstm, batch 2, time 3, units 4
    expect(() => addon.forward(spec, f(6 * 16), f(4 * 16), null, f(8 * 4), null, null)).toThrow(
      /cs is missing/,
    );
    expect(() =>
      addon.forward(Int32Array.from([7, 0, 3, 2, 3, 4, 0]), f(96), f(64), null, f(32), f(32), null),
    ).toThrow(/spec out of range/);
    expect(() => addon.forward(spec, f(95), f(64), null, f(32), f(32), null)).toThrow(
      /xp has 95 values, expected at least 96/,
    );
  });

  it('gathers and scatter-adds the rows of a one-hot input, ids checked', () => {
    const out = new Float32Array(4);
    addon.gatherRows(out, Float32Array.of(1, 2, 3, 4, 5, 6), Int32Array.of(2, 0), 2, 2, 3);
    expect(Array.from(out)).toEqual([5, 6, 1, 2]);
    const dK = new Float32Array(6);
    addon.scatterAddRows(dK, Float32Array.of(1, 2, 3, 4, 5, 6), Int32Array.of(1, 0, 1), 3, 2, 3);
    expect(Array.from(dK)).toEqual([3, 4, 6, 8, 0, 0]);
    expect(() =>
      addon.gatherRows(out, Float32Array.of(1, 2, 3, 4, 5, 6), Int32Array.of(3, 0), 2, 2, 3),
    ).toThrow(/idx\[0\] = 3 is outside \[0, 3\)/);
  });

  /** The head in float64: loss, the logits' gradient g, dh = g w^T, dw = h^T g, db. */
  function headInF64(
    h: Float32Array,
    w: Float32Array,
    b: Float32Array,
    labels: Int32Array,
    rows: number,
    units: number,
    classes: number,
    scale: number,
  ) {
    const z = naive(h, w, rows, units, classes, false, false);
    let loss = 0;
    const g = new Float64Array(rows * classes);
    const db = new Float64Array(classes);
    for (let r = 0; r < rows; r++) {
      const y = labels[r] as number;
      if (y < 0 || y >= classes) continue;
      const row = Array.from(
        { length: classes },
        (_, j) => (z[r * classes + j] as number) + (b[j] as number),
      );
      const max = Math.max(...row);
      const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
      loss -= (row[y] as number) - max - Math.log(sum);
      for (let j = 0; j < classes; j++) {
        const v = (Math.exp((row[j] as number) - max) / sum - (j === y ? 1 : 0)) * scale;
        g[r * classes + j] = v;
        db[j] = (db[j] as number) + v;
      }
    }
    const g32 = Float32Array.from(g);
    return {
      loss,
      g,
      db,
      dh: naive(g32, w, rows, classes, units, false, true),
      dw: naive(h, g32, units, rows, classes, true, false),
    };
  }

  const near = (got: Float32Array, want: Float64Array, tol: number) => {
    let worst = 0;
    for (let i = 0; i < want.length; i++)
      worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)));
    const scale = Math.max(1, ...Array.from(want, Math.abs));
    expect(worst / scale).toBeLessThan(tol);
  };

  it('computes the softmax head (products, loss, gradients) as in float64, every micro-kernel, any shape', () => {
    const first = addon.info().isa;
    // 300 x 70: over the 16 384 values from which both threads take rows; 65 classes: the edge
    // of 16-wide vectors; every 9th row unlabelled; then random shapes
    const fixed = [
      [300, 20, 70],
      [260, 64, 65],
      [3, 5, 4],
      [0, 3, 2],
    ] as const;
    try {
      for (const isa of ['avx512', 'avx2', 'generic'] as const) {
        if (!addon.setIsa(isa)) continue;
        const check = (rows: number, units: number, classes: number, seed: number) => {
          const h = Float32Array.from({ length: rows * units }, (_, i) => Math.sin(i + seed));
          const w = Float32Array.from({ length: units * classes }, (_, i) =>
            Math.cos(i * 1.3 + seed),
          );
          const b = Float32Array.from({ length: classes }, (_, j) => Math.cos(j) / 2);
          const labels = Int32Array.from({ length: rows }, (_, r) =>
            r % 9 === 4 ? -1 : (r * 7 + seed) % classes,
          );
          const scale = 0.25;
          const want = headInF64(h, w, b, labels, rows, units, classes, scale);
          const e = new Float32Array(rows * classes);
          const loss = addon.headForward(h, w, b, labels, e, rows, units, classes);
          expect(Math.abs(loss - want.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want.loss)));
          const dh = new Float32Array(rows * units);
          const dw = new Float32Array(units * classes);
          const db = new Float32Array(classes);
          addon.headBackward(h, w, e, labels, dh, dw, db, rows, units, classes, scale);
          near(e, want.g, 1e-6);
          near(db, want.db, 1e-5);
          near(dh, want.dh, 1e-5);
          near(dw, want.dw, 1e-5);
        };
        for (const [rows, units, classes] of fixed) check(rows, units, classes, 1);
        fc.assert(
          fc.property(
            fc.integer({ min: 1, max: 40 }),
            fc.integer({ min: 1, max: 24 }),
            fc.integer({ min: 1, max: 140 }),
            fc.integer({ min: 0, max: 50 }),
            check,
          ),
          { numRuns: 30 },
        );
      }
    } finally {
      addon.setIsa(first as 'avx512');
    }
    expect(() =>
      addon.headBackward(
        new Float32Array(6),
        new Float32Array(9),
        new Float32Array(6),
        Int32Array.of(0, 1),
        new Float32Array(6),
        new Float32Array(9),
        new Float32Array(2),
        2,
        3,
        3,
        1,
      ),
    ).toThrow(/db has 2 values, expected at least 3/);
    expect(() =>
      addon.headForward(
        new Float32Array(5),
        new Float32Array(9),
        null,
        Int32Array.of(0, 1),
        new Float32Array(6),
        2,
        3,
        3,
      ),
    ).toThrow(/h has 5 values, expected at least 6/);
  });

  it('runs an LSTM the same on every micro-kernel and gate build, a NaN going through', () => {
    // forward + backward of LSTM(37) (tanh, sigmoid: the AVX-512 gate rows; 37 units: masked
    // lanes), 3 rows x 5 steps, on each ISA this CPU has; the portable build is the reference
    const [B, T, u] = [3, 5, 37];
    const g = 4 * u;
    const spec = Int32Array.of(1, 0, 3, B, T, u, 0);
    const rnd = (n: number, seed: number, scale: number) =>
      Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * scale);
    const run = (xp0: Float32Array) => {
      const xp = xp0.slice();
      const hs = new Float32Array((T + 1) * B * u);
      const cs = new Float32Array((T + 1) * B * u);
      hs.set(rnd(B * u, 3, 0.5));
      cs.set(rnd(B * u, 4, 0.5));
      const rec = rnd(u * g, 2, 0.2);
      addon.forward(spec, xp, rec, null, hs, cs, null);
      const dh = rnd(B * u, 5, 0.1);
      const dc = new Float32Array(B * u);
      const dR = new Float32Array(u * g);
      addon.backward(
        spec,
        xp,
        rec,
        null,
        hs,
        cs,
        null,
        rnd(B * T * u, 6, 0.1),
        dh,
        dc,
        xp,
        xp,
        dR,
        null,
      );
      return { hs, dR, dh };
    };
    const first = addon.info().isa;
    const xp = rnd(T * B * g, 1, 1.5);
    const withNaN = xp.slice();
    withNaN[2 * B * g + 1 * g + 4] = Number.NaN; // step 2, row 1, unit 4's i gate
    try {
      expect(addon.setIsa('generic')).toBe(true);
      const want = run(xp);
      const wantNaN = run(withNaN);
      for (const isa of ['avx512', 'avx2'] as const) {
        if (!addon.setIsa(isa)) continue;
        const got = run(xp);
        for (const key of ['hs', 'dR', 'dh'] as const)
          for (let i = 0; i < want[key].length; i++)
            expect(Math.abs((got[key][i] as number) - (want[key][i] as number))).toBeLessThan(1e-5);
        const { hs } = run(withNaN);
        for (let i = 0; i < hs.length; i++)
          expect(Number.isNaN(hs[i])).toBe(Number.isNaN(wantNaN.hs[i] as number));
      }
      // the NaN reaches row 1's unit 4 at step 2, its other units a step later (through the
      // recurrent product), and no other row
      const nanAt = (k: number, b: number, j: number) =>
        Number.isNaN(wantNaN.hs[((k + 1) * B + b) * u + j] as number);
      expect([nanAt(1, 1, 4), nanAt(2, 1, 4), nanAt(2, 1, 0), nanAt(3, 1, 0)]).toEqual([
        false,
        true,
        false,
        true,
      ]);
      expect([nanAt(4, 0, 4), nanAt(4, 2, 4)]).toEqual([false, false]);
    } finally {
      addon.setIsa(first as 'avx512');
    }
  });

  it('reports its ISA, threads and handover spin', () => {
    const { isa, threads, spinUs } = addon.info();
    expect(['avx512', 'avx2', 'generic']).toContain(isa);
    expect(threads).toBeGreaterThanOrEqual(1);
    expect(threads).toBeLessThanOrEqual(2);
    if (process.env.RNNKIT_NATIVE_SPIN_US === undefined) expect(spinUs).toBe(100); // the default
  });

  it('takes RNNKIT_NATIVE_SPIN_US, and anything but an integer >= 0 leaves the default', () => {
    // a child process per value (the pool reads it once), each running products on both threads
    const child = `const x = require(${JSON.stringify(addonPath)});
      const c = new Float32Array(64 * 64);
      for (let i = 0; i < 50; i++)
        x.gemm(c, new Float32Array(64 * 1024).fill(0.5), new Float32Array(1024 * 64).fill(0.25),
          64, 1024, 64, false, false, false);
      console.log(x.info().spinUs, c[0], c[64 * 64 - 1]);`;
    const run = (value: string) =>
      execFileSync(process.execPath, ['-e', child], {
        env: { ...process.env, RNNKIT_NATIVE_SPIN_US: value },
        encoding: 'utf8',
      }).trim();
    expect(run('0')).toBe('0 128 128'); // 1024 * 0.5 * 0.25
    expect(run('250')).toBe('250 128 128');
    expect(run('1e9')).toBe('100 128 128');
    expect(run('-5')).toBe('100 128 128');
    expect(run('9999999')).toBe('100000 128 128'); // capped
  });

  it.runIf(addon.info().threads === 2 && addon.info().workersCpuMs >= 0)(
    'lets its worker sleep once the spin is over: its CPU time stays flat over an idle second',
    async () => {
      // 200 products of [64, 1024] x [1024, 64] (8 MFLOP: past the size that stays on one thread),
      // each handing jobs to the worker and back
      const a = new Float32Array(64 * 1024).fill(0.5);
      const b = new Float32Array(1024 * 64).fill(0.25);
      const c = new Float32Array(64 * 64);
      const before = addon.info().workersCpuMs;
      for (let i = 0; i < 200; i++) addon.gemm(c, a, b, 64, 1024, 64, false, false, false);
      expect(c[0]).toBe(128); // 1024 * 0.5 * 0.25
      await new Promise((r) => setTimeout(r, 50)); // past the spin (100 us), however loaded
      const idle = addon.info().workersCpuMs;
      expect(idle).toBeGreaterThan(before); // the worker did take jobs
      await new Promise((r) => setTimeout(r, 1000));
      // a worker spinning on would have used a good part of that second, even on a busy machine
      expect(addon.info().workersCpuMs - idle).toBeLessThan(20);
    },
  );
});
