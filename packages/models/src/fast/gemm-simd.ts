/**
 * The LSTM recurrence's per-step products on rnnkit's own WebAssembly SIMD GEMM, with the gate
 * math of `gates-simd.ts` in the same module: h_k R (forward) and dZ_k R^T (backward) land in the
 * module's memory and the gate step reads them there, so no product is copied out and back in,
 * and the state the next step multiplies (h forward, dc backward) never leaves the module.
 * `fast-core.ts` takes it for an LSTM where `gemmLstmFor` gives one, else XNNPACK's products
 * (`fast-wasm.ts`) and the separate gate module.
 *
 * The GEMM: C [rows, outer] = A [rows, inner] B, B packed once per run (`begin`) into panels of 8
 * columns (panel p: inner rows of 8 floats, contiguous), a micro-kernel of 4 rows x 8 columns (8
 * f32x4 accumulators, 2 of B, a splat of A: 11 of V8's 16 xmm registers, no spills), k unrolled
 * by 4; A's rows are padded with zeros to a multiple of 4 in the module. inner and outer are
 * constants of the module (one per units: `inner` = units, `outer` = 4 units forward, the other
 * way round backward), so every address inside a k step is a load's constant offset. Each
 * accumulator sums its products in k order, a multiply then an add in the plain build, relaxed
 * SIMD's f32x4.relaxed_madd in the relaxed one (the variants of `gates-simd.ts`, same choice).
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts`, `gemm-simd.ts` and `fast-wasm.ts`;
 * `pool.ts` and `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused
 * losses).
 *
 * @example
 * ```ts
 * const lstm = gemmLstmFor('lstm', 'tanh', 'sigmoid', 8, 2); // null where it does not apply
 * const run = lstm?.forward(recurrent, h0, c0); // packs recurrent [8, 32] once
 * run?.step(k, xp, hs, cs, gates); // step k: gates written, hs and cs slot k + 1 filled
 * ```
 */
import { transposeData } from './fast-linalg.js';
import {
  backwardFunc,
  forwardFunc,
  placer,
  type SimdVariant,
  shuffle,
  simdVariant,
} from './gates-simd.js';
import {
  localGet as get,
  I32_ADD,
  I32_SUB,
  instantiateWasm,
  leb,
  type MulAdd,
  memoryView,
  mulAdd,
  localSet as set,
  simd,
  localTee as tee,
  wasmModuleBytes,
} from './wasm-bytes.js';

/** Rows and columns of the micro-kernel's block, and its k steps per loop turn. */
const MR = 4;
const NR = 8;
const KU = 4;
/**
 * Rows of d (k) per pass of the weight gradient: its packed panels of 8 columns are then 8 KB
 * (256 rows of 32 bytes), as the per-step products' forward B panels, and stay in L1 while the 4-row
 * blocks of a^T go by.
 */
const WEIGHT_GRAD_KC = 256;

const load = (offset: number) => [...simd(0x00), 4, ...leb(offset)];
const store = (offset: number) => [...simd(0x0b), 4, ...leb(offset)];
const loadSplat = (offset: number) => [...simd(0x09), 2, ...leb(offset)];
const ZERO = [...simd(0x0c), ...Array<number>(16).fill(0)];
const [LT_U, NE] = [0x49, 0x47];

/** Signed LEB128 (i32.const's immediate). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}
const i32 = (n: number) => [0x41, ...sleb(n)];

/**
 * mm(pa, pb, pc, rows): C = A B for A [rows, inner] at pa (rows a multiple of 4), B packed at pb,
 * C [rows, outer] at pc, inner and outer the module's constants (`sizes`); or, with `sizes` null,
 * mm(pa, pb, pc, rows, inner, outer) with both given (inner a multiple of 4): then A's rows are
 * read through four pointers instead of constant offsets from one. Locals after the parameters
 * (p of them): i32 j, bp, ap, cp, a, aend, b, rows left, a1, a2, a3; then v128: the 8
 * accumulators (row r, half h), b0, b1, the splat.
 */
function mmFunc(fma: MulAdd, sizes: { inner: number; outer: number } | null): number[] {
  const [PA, PB, PC, ROWS, INNER, OUTER, LDA, ACCUMULATE] = [0, 1, 2, 3, 4, 5, 6, 7];
  const p = sizes === null ? 8 : 4;
  const at = (i: number) => p + i;
  const [J, BP, AP, CP, A, AEND, B, LEFT, A1, A2, A3] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(
    at,
  ) as [number, number, number, number, number, number, number, number, number, number, number];
  const ACC = p + 11;
  const [B0, B1, S] = [ACC + 2 * MR, ACC + 2 * MR + 1, ACC + 2 * MR + 2];
  const rowPtr = [A, A1, A2, A3] as const;
  // bytes of an A row (sa), of a C row (sc): constants, or computed into A1 / AEND first
  const I32_MUL = 0x6c;
  const sa = (times: number) =>
    sizes === null ? [...get(INNER), ...i32(4 * times), I32_MUL] : i32(4 * sizes.inner * times);
  // bytes between A's rows (lda floats: runtime sizes only; else inner)
  const sl = (times: number) =>
    sizes === null ? [...get(LDA), ...i32(4 * times), I32_MUL] : sa(times);
  const sc = (times: number) =>
    sizes === null ? [...get(OUTER), ...i32(4 * times), I32_MUL] : i32(4 * sizes.outer * times);
  // C row r's half h: a constant offset from cp, or (runtime sizes) cp + r sc
  const cAt = (r: number, h: number) =>
    sizes === null
      ? [...get(CP), ...(r === 0 ? [] : [...sc(r), I32_ADD]), ...get(acc(r, h)), ...store(16 * h)]
      : [...get(CP), ...get(acc(r, h)), ...store(r * 4 * sizes.outer + 16 * h)];
  const acc = (r: number, h: number) => ACC + 2 * r + h;
  const accs = Array.from({ length: 2 * MR }, (_, i) => ACC + i);
  const splatOf = (r: number, u: number) =>
    sizes === null
      ? [...get(rowPtr[r] as number), ...loadSplat(4 * u)]
      : [...get(A), ...loadSplat(r * 4 * sizes.inner + 4 * u)];
  const kStep = (u: number) => [
    ...[B0, B1].flatMap((b, h) => [...get(B), ...load(32 * u + 16 * h), ...set(b)]),
    ...Array.from({ length: MR }, (_, r) => [
      ...splatOf(r, u),
      ...set(S),
      ...[B0, B1].flatMap((b, h) => [
        ...fma.madd(get(S), get(b), get(acc(r, h))),
        ...set(acc(r, h)),
      ]),
    ]).flat(),
  ];
  const ptrs = sizes === null ? rowPtr : [A];
  // the other rows' pointers from A (runtime sizes only)
  const rowsFromA =
    sizes === null
      ? [1, 2, 3].flatMap((r) => [
          ...get(rowPtr[r - 1] as number),
          ...sl(1),
          I32_ADD,
          ...set(rowPtr[r] as number),
        ])
      : [];
  // biome-ignore format: one line per step
  const code = [
    ...i32(0), ...set(J), ...get(PB), ...set(BP),
    0x03, 0x40, // loop (panels of 8 columns)
    ...get(PA), ...set(AP), ...get(PC), ...get(J), I32_ADD, ...set(CP), ...get(ROWS), ...set(LEFT),
    0x03, 0x40, // loop (blocks of 4 rows)
    ...(sizes === null
      ? // accumulate: start from C's block, else from zeros
        accs.flatMap((i, q) => [
          ...get(ACCUMULATE), 0x04, 0x7b, // if (result v128)
          ...get(CP), ...(q < 2 ? [] : [...sc(q >> 1), I32_ADD]), ...load(16 * (q & 1)),
          0x05, ...ZERO, 0x0b, ...set(i),
        ])
      : accs.flatMap((i) => [...ZERO, ...set(i)])),
    ...get(AP), ...tee(A), ...sa(1), I32_ADD, ...set(AEND), ...get(BP), ...set(B),
    ...rowsFromA,
    0x03, 0x40, // loop (k, 4 at a time)
    ...Array.from({ length: KU }, (_, u) => kStep(u)).flat(),
    ...get(B), ...i32(32 * KU), I32_ADD, ...set(B),
    ...ptrs.slice(1).flatMap((q) => [...get(q), ...i32(4 * KU), I32_ADD, ...set(q)]),
    ...get(A), ...i32(4 * KU), I32_ADD, ...tee(A), ...get(AEND), LT_U, 0x0d, 0, // br_if (a < aend) k
    0x0b,
    ...Array.from({ length: MR }, (_, r) => [...cAt(r, 0), ...cAt(r, 1)]).flat(),
    ...get(AP), ...sl(MR), I32_ADD, ...set(AP),
    ...get(CP), ...sc(MR), I32_ADD, ...set(CP),
    ...get(LEFT), ...i32(MR), I32_SUB, ...tee(LEFT), ...i32(0), NE, 0x0d, 0, // br_if (left -= 4) rows
    0x0b,
    ...get(BP), ...sa(8), I32_ADD, ...set(BP), // a panel: inner rows of 32 bytes
    ...get(J), ...i32(4 * NR), I32_ADD, ...tee(J), ...sc(1), LT_U, 0x0d, 0, // br_if (j < sc) panels
    0x0b, 0x0b,
  ];
  return [2, 11, 0x7f, 2 * MR + 3, 0x7b, ...code];
}

/**
 * packT(src, dst, rows, cols): the transpose of R [rows, cols] at src (rows a multiple of 8, cols
 * of 4) packed as `pack` packs a [cols, rows] B: panel p holds R's rows 8p .. 8p + 7 as cols
 * rows of 8 floats. Per 4 columns, the 8 rows' vectors as two 4 x 4 transposes (`tr`'s shuffles
 * in `gates-simd.ts`). Locals: i32 4-7 (j, s, send, stride), v128 8-19 (r0..r7, t0..t3).
 */
function packTFunc(): number[] {
  const [SRC, DST, ROWS, COLS] = [0, 1, 2, 3];
  const [J, S, SEND, ST] = [4, 5, 6, 7];
  const R = 8;
  const T = 16;
  const I32_MUL = 0x6c;
  const rowAt = (i: number) =>
    i === 0 ? get(S) : [...get(S), ...get(ST), ...i32(i), I32_MUL, I32_ADD];
  const half = (h: number) => {
    const r = (i: number) => get(R + 4 * h + i);
    // biome-ignore format: one line per step
    return [
      ...r(0), ...r(1), ...shuffle([0, 4, 1, 5]), ...set(T),
      ...r(0), ...r(1), ...shuffle([2, 6, 3, 7]), ...set(T + 1),
      ...r(2), ...r(3), ...shuffle([0, 4, 1, 5]), ...set(T + 2),
      ...r(2), ...r(3), ...shuffle([2, 6, 3, 7]), ...set(T + 3),
      ...get(DST), ...get(T), ...get(T + 2), ...shuffle([0, 1, 4, 5]), ...store(16 * h),
      ...get(DST), ...get(T), ...get(T + 2), ...shuffle([2, 3, 6, 7]), ...store(32 + 16 * h),
      ...get(DST), ...get(T + 1), ...get(T + 3), ...shuffle([0, 1, 4, 5]), ...store(64 + 16 * h),
      ...get(DST), ...get(T + 1), ...get(T + 3), ...shuffle([2, 3, 6, 7]), ...store(96 + 16 * h),
    ];
  };
  // biome-ignore format: one line per step
  const code = [
    ...get(COLS), ...i32(4), I32_MUL, ...set(ST),
    0x03, 0x40, // loop (panels: 8 rows of R)
    ...get(SRC), ...get(J), ...get(ST), I32_MUL, I32_ADD, ...tee(S), ...get(ST), I32_ADD, ...set(SEND),
    0x03, 0x40, // loop (4 columns of R: 4 rows of the panel)
    ...Array.from({ length: 8 }, (_, i) => [...rowAt(i), ...load(0), ...set(R + i)]).flat(),
    ...half(0), ...half(1),
    ...get(S), ...i32(16), I32_ADD, ...set(S),
    ...get(DST), ...i32(128), I32_ADD, ...set(DST),
    ...get(S), ...get(SEND), LT_U, 0x0d, 0, // br_if (s < send) columns
    0x0b,
    ...get(J), ...i32(8), I32_ADD, ...tee(J), ...get(ROWS), LT_U, 0x0d, 0, // br_if (j < rows) panels
    0x0b, 0x0b,
  ];
  return [2, 4, 0x7f, 12, 0x7b, ...code];
}

/**
 * pack(src, dst, inner, outer): B [inner, outer] at src (outer a multiple of 8) into panels of 8
 * columns at dst. Locals: i32 4-6 (j, s, k).
 */
function packFunc(): number[] {
  const [SRC, DST, INNER, OUTER] = [0, 1, 2, 3];
  const [J, S, K] = [4, 5, 6];
  // biome-ignore format: one line per step
  const code = [
    ...get(OUTER), ...i32(2), 0x74, ...set(OUTER), // outer in bytes
    0x03, 0x40, // loop (panels)
    ...get(SRC), ...get(J), I32_ADD, ...set(S), ...get(INNER), ...set(K),
    0x03, 0x40, // loop (rows of the panel)
    ...get(DST), ...get(S), ...load(0), ...store(0),
    ...get(DST), ...get(S), ...load(16), ...store(16),
    ...get(DST), ...i32(32), I32_ADD, ...set(DST),
    ...get(S), ...get(OUTER), I32_ADD, ...set(S),
    ...get(K), ...i32(1), I32_SUB, ...tee(K), ...i32(0), NE, 0x0d, 0, // br_if (k -= 1) rows
    0x0b,
    ...get(J), ...i32(4 * NR), I32_ADD, ...tee(J), ...get(OUTER), LT_U, 0x0d, 0, // br_if (j < outer) panels
    0x0b, 0x0b,
  ];
  return [1, 3, 0x7f, ...code];
}

type Fn4 = (a: number, b: number, c: number, d: number) => void;
type Fn8 = (...args: [number, number, number, number, number, number, number, number]) => void;
type Fn7 = (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => void;

interface GemmModule {
  memory: WebAssembly.Memory;
  /** h [rows, u] R [u, 4u] */
  mmF: Fn4;
  /** dZ [rows, 4u] R^T [4u, u] */
  mmB: Fn4;
  /** A [rows, inner] (rows lda apart) B, sizes given; into C, or added to it (acc 1) */
  mm: Fn8;
  pack: Fn4;
  packT: Fn4;
  fwd: Fn7;
  bwd: Fn7;
}

function moduleBytes(variant: SimdVariant, units: number): Uint8Array<ArrayBuffer> {
  const fma = mulAdd(variant === 'relaxed');
  const i32s = (n: number) => Array<number>(n).fill(0x7f);
  return wasmModuleBytes({
    types: [
      [i32s(7), []],
      [i32s(4), []],
      [i32s(8), []],
    ],
    functions: [
      { type: 1, body: mmFunc(fma, { inner: units, outer: 4 * units }) },
      { type: 1, body: mmFunc(fma, { inner: 4 * units, outer: units }) },
      { type: 2, body: mmFunc(fma, null) },
      { type: 1, body: packFunc() },
      { type: 1, body: packTFunc() },
      { type: 0, body: forwardFunc(fma) },
      { type: 0, body: backwardFunc(fma) },
    ],
    exports: [
      ['mmF', 0],
      ['mmB', 1],
      ['mm', 2],
      ['pack', 3],
      ['packT', 4],
      ['fwd', 5],
      ['bwd', 6],
    ],
  });
}

/** The forward loop of one run: step k after step k - 1, from k = 0. */
export interface GemmForward {
  /**
   * Step k: m = h_k R in the module, then `fast-gates.ts`'s `lstmForwardStep` (sigmoid, tanh, no
   * mask) from xp's step k: step k's gates written into `gates` (which may be xp), slot k + 1 of
   * hs and cs.
   */
  step(k: number, xp: Float32Array, hs: Float32Array, cs: Float32Array, gates: Float32Array): void;
}

/** The backward loop of one run: step k after step k + 1, from k = time - 1. */
export interface GemmBackward {
  /**
   * `lstmBackwardStep` at step k (dh in, dc kept in the module), its dZ written at step k of `dZ`
   * (which may be `gates`), then dh = dZ_k R^T (written over dh).
   */
  step(k: number, dh: Float32Array, cs: Float32Array, gates: Float32Array, dZ: Float32Array): void;
  /** The gradient reaching c_{k-1} after the last step, into dc [batch, u]. */
  finish(dc: Float32Array): void;
}

/** The fused LSTM recurrence of one layer size, on one module instance (one per thread). */
export interface GemmLstm {
  readonly variant: SimdVariant;
  readonly units: number;
  /**
   * Packs recurrent [u, 4u] and starts a forward loop of `batch` rows from slot 0 of hs and cs
   * ([(time+1) batch, u]).
   */
  forward(recurrent: Float32Array, batch: number, hs: Float32Array, cs: Float32Array): GemmForward;
  /** Packs the transpose of recurrent [u, 4u] and starts a backward loop from dc [batch, u]. */
  backward(recurrent: Float32Array, batch: number, dc: Float32Array): GemmBackward;
  /**
   * The recurrent weight gradient a^T d [u, 4u] for a [rows, u] (the states h_{k-1}) and d
   * [rows, 4u] (dZ), summed over the rows in order; a new array.
   */
  weightGrad(a: Float32Array, rows: number, d: Float32Array): Float32Array;
}

function make(mod: GemmModule, variant: SimdVariant, units: number): GemmLstm {
  const u = units;
  const g = 4 * u;
  /** A view of the module's memory holding at least `floats` floats. */
  const view = memoryView(mod.memory);
  /** Copies w [inner, outer] in and packs it at a fresh slot of `place`; returns its float index. */
  /**
   * Copies recurrent [u, 4u] in and packs it (`transposed`: its transpose [4u, u]) at a fresh slot
   * of `place`; returns its float index.
   */
  const packed = (place: ReturnType<typeof placer>, w: Float32Array, transposed: boolean) => {
    const raw = place(u * g, w, 0);
    const to = place(u * g, w, 0);
    view(to + u * g).set(w.subarray(0, u * g), raw);
    if (transposed) mod.packT(4 * raw, 4 * to, u, g);
    else mod.pack(4 * raw, 4 * to, u, g);
    return to;
  };
  const rowsOf = (batch: number) => Math.ceil(batch / MR) * MR;
  return {
    variant,
    units,
    forward(recurrent, batch, hs, cs) {
      const n = batch * u;
      const rows = rowsOf(batch);
      const place = placer(64);
      const b = packed(place, recurrent, false);
      const a = place(rows * u, hs, n); // h_k in, h_{k+1} out
      const m = place(rows * g, hs, 0);
      const x = place(batch * g, hs, 0); // xp's step in, the gates out
      let c0 = place(n, cs, n);
      let c1 = place(n, cs, n);
      const f = view(c1 + n);
      f.fill(0, a, a + rows * u);
      f.set(hs.subarray(0, n), a);
      f.set(cs.subarray(0, n), c0);
      return {
        step(k, xp, hsOut, csOut, gates) {
          mod.mmF(4 * a, 4 * b, 4 * m, rows);
          f.set(xp.subarray(k * batch * g, (k + 1) * batch * g), x);
          mod.fwd(4 * x, 4 * m, 4 * c0, 4 * c1, 4 * a, batch, 4 * u);
          gates.set(f.subarray(x, x + batch * g), k * batch * g);
          csOut.set(f.subarray(c1, c1 + n), (k + 1) * n);
          hsOut.set(f.subarray(a, a + n), (k + 1) * n);
          [c0, c1] = [c1, c0];
        },
      };
    },
    backward(recurrent, batch, dc) {
      const n = batch * u;
      const rows = rowsOf(batch);
      const place = placer(64);
      const b = packed(place, recurrent, true);
      const z = place(rows * g, dc, 0); // step k's gates in, dZ out: the product's left operand
      const cp = place(2 * n, dc, 0); // c_{k-1}, then c_k
      const cn = cp + n;
      const dh = place(n, dc, 0);
      const dcAt = place(n, dc, 0);
      const out = place(rows * u, dc, 0);
      const f = view(out + rows * u);
      f.fill(0, z, z + rows * g);
      f.set(dc.subarray(0, n), dcAt);
      return {
        step(k, dhIo, cs, gates, dZ) {
          f.set(gates.subarray(k * batch * g, (k + 1) * batch * g), z);
          f.set(cs.subarray(k * n, (k + 2) * n), cp);
          f.set(dhIo.subarray(0, n), dh);
          mod.bwd(4 * z, 4 * cp, 4 * cn, 4 * dh, 4 * dcAt, batch, 4 * u);
          dZ.set(f.subarray(z, z + batch * g), k * batch * g);
          mod.mmB(4 * z, 4 * b, 4 * out, rows);
          dhIo.set(f.subarray(out, out + n));
        },
        finish(dcOut) {
          dcOut.set(f.subarray(dcAt, dcAt + n));
        },
      };
    },
    weightGrad(a, rows, d) {
      const inner = Math.ceil(rows / KU) * KU; // zero rows of a and d up to a multiple of 4
      const aT = transposeData(a, rows, u); // [u, rows]
      const place = placer(64);
      const pa = place(u * inner, aT, 0);
      const raw = place(inner * g, d, 0);
      const kc = Math.min(inner, WEIGHT_GRAD_KC);
      const pb = place(kc * g, d, 0);
      const pc = place(u * g, d, 0);
      const f = view(pc + u * g);
      if (inner === rows) f.set(aT, pa);
      else {
        for (let r = 0; r < u; r++) {
          f.set(aT.subarray(r * rows, (r + 1) * rows), pa + r * inner);
          f.fill(0, pa + r * inner + rows, pa + (r + 1) * inner);
        }
      }
      f.set(d.subarray(0, rows * g), raw);
      f.fill(0, raw + rows * g, raw + inner * g);
      // kc rows of d at a time, packed, their products added to C's (the same sums, in k order)
      for (let k0 = 0; k0 < inner; k0 += kc) {
        const k = Math.min(kc, inner - k0);
        mod.pack(4 * (raw + k0 * g), 4 * pb, k, g);
        mod.mm(4 * (pa + k0), 4 * pb, 4 * pc, u, k, g, inner, k0 > 0 ? 1 : 0);
      }
      return f.slice(pc, pc + u * g);
    },
  };
}

/**
 * A fresh module for `units` (a multiple of 8) in `variant`, or null where the engine cannot run
 * it. The kernel uses `gemmLstmFor`'s (the variant of `simdVariant`); the tests and benches build
 * both.
 */
export function gemmLstm(variant: SimdVariant, units: number): GemmLstm | null {
  if (units % NR !== 0 || units <= 0) return null;
  const mod = instantiateWasm<GemmModule>(moduleBytes(variant, units));
  return mod === null ? null : make(mod, variant, units);
}

const made = new Map<number, GemmLstm | null>();

/**
 * The fused recurrence for a layer on this thread, where it applies: an LSTM with Keras's default
 * activations (tanh, sigmoid), units a multiple of 8, and relaxed SIMD (`gates-simd.ts`'s
 * `simdVariant` is 'relaxed': Chromium, Node 22+); else null (XNNPACK's products and the separate
 * gate steps). Without relaxed SIMD XNNPACK stays: the plain build's products run at the same
 * ceiling as XNNPACK's (a multiply and an add per 4 lanes) and W1 LSTM 256 in Node was no faster
 * with it (CPU ms per step, old / new alternating, under load: medians 196 and 200), while the
 * relaxed build's FMA took it from 203 to 170 (bench/speed/README.md). One module per units on
 * each thread, shared by its runs (each loop packs its own weights).
 */
export function gemmLstmFor(
  cell: string,
  activation: string,
  recurrentActivation: string,
  units: number,
): GemmLstm | null {
  if (cell !== 'lstm' || activation !== 'tanh' || recurrentActivation !== 'sigmoid') return null;
  if (simdVariant !== 'relaxed' || units % NR !== 0) return null;
  if (!made.has(units)) made.set(units, gemmLstm(simdVariant, units));
  return made.get(units) ?? null;
}
