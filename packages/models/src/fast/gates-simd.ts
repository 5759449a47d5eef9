/**
 * The LSTM gate math of `fast-gates.ts` (`lstmForwardStep` / `lstmBackwardStep` with sigmoid gates,
 * tanh activation and no mask) on WebAssembly SIMD, four float32 lanes per instruction. The module
 * (3.1 KB) is assembled here at load, as `adam-pass.ts` assembles its own; `simdLstm` is null
 * where WebAssembly or its SIMD is unavailable, and the caller keeps the JS steps. Units must be a
 * multiple of 4 (the caller keeps JS otherwise). It comes in two builds (`simdVariant` says which
 * runs): 'relaxed', whose multiply-adds (exp's range reduction and polynomial, c = f c + i g, the
 * backward's dc + dh o (1 - tc^2)) are relaxed SIMD's f32x4.relaxed_madd / relaxed_nmadd, one FMA
 * instruction each where the CPU has FMA (V8 on x64), taken where the engine validates them
 * (Chromium, Node 22+); else 'simd', the same arithmetic as a multiply then an add. The module also holds `tr`, a transpose in 4 x 4
 * blocks (`simdTranspose`, taken by fast-linalg.ts's `transposeData`), and `ex` (`simdExp`).
 * `gemm-simd.ts` assembles the same forward and backward functions into its module, beside its
 * GEMM, where the kernel's LSTM runs them after the products in that module's memory.
 *
 * Each call copies the step's input blocks into the module's memory (allocated once, grown as
 * needed), computes there and copies the results out, so `gates` may be `xp` and `dZ` may be
 * `gates`, and `m` may be a view into another wasm heap (it is read once, never kept). The copies
 * are about half of a call's time (bench/speed/gates-simd.mjs; the module's loops alone: about 10
 * ns per unit and row forward, 7 backward, on this machine).
 *
 * Numerics, all in float32: exp(t) = 2^k e^r with k = round(t log2 e) (the 1.5 2^23 rounding
 * trick, whose bits also give 2^k through an i32x4 shift), r = t - k ln2 with ln 2 split in two
 * (Cephes's `expf`: C1 = 0.693359375 exact in 9 bits, C2), e^r by Cephes's degree-7 polynomial.
 * sigmoid(x) = 1 / (1 + exp(-x)) with -x clamped to [-87, 87] (so 2^k stays a normal float: far
 * out sigmoid is exactly 1, or 1.6e-38 for 0). tanh(x) = sign(x) (1 - E) / (1 + E) with
 * E = exp(-2|x|), not the JS kernel's 2 sigmoid(2x) - 1: in float32 that one doubles sigmoid's
 * rounding (2.4e-7 from float64 tanh, measured 1.8e-7), this one does not (8.9e-8), which keeps
 * every gate within 5e-7 of the JS table functions (themselves 1.8e-7 and 3.7e-7 off); on
 * [-0.1, 0.1] it is within 2.6e-8 of tanh (absolute: tiny x gives 0, not x). Against float64: sigmoid and tanh <= 1.2e-7 (measured 8.9e-8).
 * The relaxed build rounds once per fused multiply-add instead of twice: the same bounds hold
 * (gates-simd.test.ts holds both builds to them), and the two builds differ by float rounding
 * (exp: up to 1.2e-7 relative on [-87, 0], measured). The relaxed SIMD specification lets an
 * engine fuse or not, so the relaxed build's last bits can differ between a CPU with FMA and one
 * without (the same machine always gives the same bits); the plain build's never do.
 * NaN in an input of an element gives NaN in what that element computes from it (the clamp's
 * pmin/pmax pass a NaN first operand through); +-Infinity saturate to 0/1 and -1/1.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * const xp = new Float32Array(4 * 4).fill(0.5); // one step, one row, 4 units: i f c o blocks
 * const hs = new Float32Array(2 * 4);
 * const cs = new Float32Array(2 * 4);
 * simdLstm?.forward(1, 4, 0, xp, new Float32Array(16), hs, cs, xp); // gates written over xp
 * xp[0]; // 0.622459352016449 (sigmoid(0.5)); xp[8] = 0.46211716532707214 (tanh(0.5))
 * cs[4]; // 0.28764915466308594 (= i g); hs[4] = 0.17426975071430206 (= o tanh(c))
 * ```
 */
import type { LstmGates } from '../fast-seam.js';
import {
  F32X4,
  localGet as get,
  hasRelaxedSimd,
  I32_ADD,
  I32_SUB,
  instantiateWasm,
  type MulAdd,
  memoryView,
  mulAdd,
  localSet as set,
  simd,
  localTee as tee,
  V128_LOAD,
  V128_STORE,
  wasmModuleBytes,
} from './wasm-bytes.js';

/** LSTM gate steps on f32x4 (the seam's `LstmGates`), or null where WebAssembly SIMD is unavailable. */
export type SimdLstm = LstmGates;

// f32x4 abs, neg, add, sub, mul, div; pmin(a, b) = b < a ? b : a and pmax(a, b) = a < b ? b : a
// (one minps / maxps each, where min / max take six x64 instructions; a NaN as `a` passes through)
const { abs: ABS, neg: NEG, add: ADD, sub: SUB, mul: MUL, div: DIV } = F32X4;
const { pmin: PMIN, pmax: PMAX } = F32X4;
const [LOAD, STORE] = [V128_LOAD, V128_STORE];
const SHL = simd(0xab); // i32x4.shl
const IADD = simd(0xae); // i32x4.add
const [AND, OR] = [simd(0x4e), simd(0x50)]; // v128.and, v128.or
/** v128.const of four equal lanes (f32, or i32 when `int`). */
function splat(v: number, int = false): number[] {
  const lane = new Uint8Array((int ? Int32Array : Float32Array).of(v).buffer);
  return [...simd(0x0c), ...lane, ...lane, ...lane, ...lane];
}

/** Emits a constant of four equal lanes (f32, or i32 when `int`). */
type Const = (v: number, int?: boolean) => number[];

/**
 * Constants read from v128 locals `base`, `base + 1`, ... (assigned in order of first use), set
 * once before the loop by `init`: V8 then keeps them in registers or spill slots instead of
 * rebuilding each one at every use (measured: v128.const in the loop costs about 1/4 more).
 */
function hoisted(base: number): { c: Const; init: () => number[]; count: () => number } {
  const seen = new Map<string, { i: number; lanes: number[] }>();
  const c: Const = (v, int = false) => {
    const lanes = splat(v, int);
    const key = lanes.join();
    const known = seen.get(key) ?? { i: base + seen.size, lanes };
    seen.set(key, known);
    return get(known.i);
  };
  const init = () => [...seen.values()].flatMap(({ i, lanes }) => [...lanes, ...set(i)]);
  return { c, init, count: () => seen.size };
}
// Cephes expf: ln 2 = C1 + C2 (C1 exact in 9 bits, so k C1 is exact), e^r on [-ln2/2, ln2/2].
const C1 = 0.693359375;
const C2 = -2.1219444e-4;
const P = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1];
const P5 = 5.0000001201e-1;
const MAGIC = 12582912; // 1.5 2^23: x + MAGIC rounds x to an integer k in the low mantissa bits

/**
 * e^t of the v128 t on the stack (t in [-87, 87]), left on the stack; t, kk, r are v128 scratch
 * locals. kk = t log2e + MAGIC (its bits: MAGIC's + k); r = t - k C1 - k C2;
 * e^t = (1 + r + r^2 P(r)) 2^k, 2^k's bits = (bits(kk) << 23) + (127 << 23). The multiply-adds
 * (kk, r, the Horner steps of P, r^2 P + r) are `fma`'s: fused under relaxed SIMD (9 of the 25
 * arithmetic instructions saved), else a multiply and an add as the plain module always had them.
 */
function exp(c: Const, fma: MulAdd, t: number, kk: number, r: number): number[] {
  const { madd, nmadd } = fma;
  // built in the order the constants were always first used (the plain module's bytes unchanged)
  const kk0 = madd(get(t), c(Math.LOG2E), c(MAGIC));
  const tk = nmadd(get(r), c(C1), get(t)); // t - k C1 (r holds k)
  const rr = nmadd(get(r), c(C2), tk); // (t - k C1) - k C2
  const [p0, p1, ...rest] = P as [number, number, ...number[]];
  const horner = [...rest, P5].reduce((y, p) => madd(y, get(r), c(p)), madd(get(r), c(p0), c(p1))); // (((P0 r + P1) r + P2) r + ...) r + P5
  // biome-ignore format: one line per stage
  return [
    ...set(t), ...kk0, ...tee(kk),
    ...c(MAGIC), ...SUB, ...set(r), // r holds k
    ...rr, ...set(r),
    ...madd([...horner, ...get(r), ...MUL], get(r), get(r)), ...c(1), ...ADD, // P r r + r + 1
    ...get(kk), 0x41, 23, ...SHL, ...c(127 << 23, true), ...IADD, ...MUL,
  ];
}

/** sigmoid of the v128 on the stack: 1 / (1 + exp(clamp(-x, -87, 87))). */
function sigmoid(c: Const, fma: MulAdd, x: number, kk: number, r: number): number[] {
  // biome-ignore format: one line per stage
  return [
    ...set(x), ...c(1), ...get(x), ...NEG, ...c(87), ...PMIN, ...c(-87), ...PMAX,
    ...exp(c, fma, x, kk, r), ...c(1), ...ADD, ...DIV,
  ];
}

/** tanh of the v128 on the stack: sign(v) (1 - E) / (1 + E), E = exp(max(-2|v|, -87)). */
function tanh(c: Const, fma: MulAdd, x: number, kk: number, r: number, v: number): number[] {
  // biome-ignore format: one line per stage
  return [
    ...tee(v), ...ABS, ...c(-2), ...MUL, ...c(-87), ...PMAX, ...exp(c, fma, x, kk, r), ...set(x),
    ...c(1), ...get(x), ...SUB, ...c(1), ...get(x), ...ADD, ...DIV,
    ...get(v), ...c(-0x80000000, true), ...AND, ...OR,
  ];
}

/**
 * A function of 7 i32 params: 5 pointers, `rows` (param 5) and `ub` (param 6, units * 4 bytes);
 * `body` runs per four units of a row, then every pointer moves 16 bytes on. After a row the gate
 * pointers (into [rows, 4u] blocks) skip the f, c, o blocks (3 ub); the state pointers ([rows, u]
 * blocks) are contiguous, and the first one ends the row. Locals: ub2, ub3, end (i32 7-9), then
 * `v128s` v128 (10 on).
 */
function rowLoop(
  v128s: number,
  body: number[],
  gatePtrs: number[],
  statePtrs: number[],
  init: number[],
) {
  const [rows, ub, ub2, ub3, end] = [5, 6, 7, 8, 9];
  const first = statePtrs[0] as number;
  // biome-ignore format: one line per step
  const code = [
    ...init,
    ...get(ub), ...get(ub), I32_ADD, ...set(ub2), ...get(ub2), ...get(ub), I32_ADD, ...set(ub3),
    0x02, 0x40, 0x03, 0x40, // block, loop (rows)
    ...get(rows), 0x45, 0x0d, 1, // br_if (rows == 0) out
    ...get(first), ...get(ub), I32_ADD, ...set(end),
    0x03, 0x40, // loop (units, four at a time)
    ...body,
    ...[...gatePtrs, ...statePtrs].flatMap((p) => [...get(p), 0x41, 16, I32_ADD, ...set(p)]),
    ...get(first), ...get(end), 0x49, 0x0d, 0, // br_if (first < end) loop
    0x0b,
    ...gatePtrs.flatMap((p) => [...get(p), ...get(ub3), I32_ADD, ...set(p)]),
    ...get(rows), 0x41, 1, I32_SUB, ...set(rows),
    0x0c, 0, 0x0b, 0x0b, 0x0b, // br rows, end loop, end block, end func
  ];
  return [2, 3, 0x7f, v128s, 0x7b, ...code];
}

const UBS = [6, 7, 8]; // ub, 2 ub, 3 ub

/** Address p + q ub (q = 0..3) for the gate blocks. */
function at(p: number, q: number): number[] {
  return q === 0 ? get(p) : [...get(p), ...get(UBS[q - 1] as number), I32_ADD];
}

/**
 * fwd(px, pm, pc, pco, ph, rows, ub): per row, i f c o = act(x + m) over x's i f c o blocks
 * (written back in place), c_k = f c + i g at pco, h = o tanh(c_k) at ph.
 */
export function forwardFunc(fma: MulAdd): number[] {
  const [I, F, G, O, C, X, K, R, V] = [10, 11, 12, 13, 14, 15, 16, 17, 18];
  const { c, init, count } = hoisted(19);
  const z = (q: number) => [...at(0, q), ...LOAD, ...at(1, q), ...LOAD, ...ADD];
  // biome-ignore format: one line per quantity
  const body = [
    ...z(0), ...sigmoid(c, fma, X, K, R), ...set(I),
    ...z(1), ...sigmoid(c, fma, X, K, R), ...set(F),
    ...z(2), ...tanh(c, fma, X, K, R, V), ...set(G),
    ...z(3), ...sigmoid(c, fma, X, K, R), ...set(O),
    ...fma.madd(get(F), [...get(2), ...LOAD], [...get(I), ...get(G), ...MUL]), ...set(C),
    ...[I, F, G, O].flatMap((v, q) => [...at(0, q), ...get(v), ...STORE]),
    ...get(3), ...get(C), ...STORE,
    ...get(4), ...get(O), ...get(C), ...tanh(c, fma, X, K, R, V), ...MUL, ...STORE,
  ];
  return rowLoop(9 + count(), body, [0, 1], [2, 3, 4], init());
}

/**
 * bwd(pg, pcp, pcn, pdh, pdc, rows, ub): per row, with i f g o from pg's blocks, c_{k-1} at pcp,
 * c_k at pcn: tc = tanh(c_k), dcj = dc + dh o (1 - tc^2); dZ (written over the gates) =
 * dcj g i(1-i), dcj c_{k-1} f(1-f), dcj i (1-g^2), dh tc o(1-o); dc = dcj f (in place). The
 * products in lstmBackwardStep's order (dcj's and 1 - v^2's multiply-adds fused under relaxed SIMD).
 */
export function backwardFunc(fma: MulAdd): number[] {
  const [I, F, G, O, TC, DH, D, X, K, R, V] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
  const { c, init, count } = hoisted(21);
  const dAct = (v: number) => fma.nmadd(get(v), get(v), c(1)); // 1 - v^2
  const dRec = (v: number) => [...get(v), ...c(1), ...get(v), ...SUB, ...MUL]; // v (1 - v)
  // biome-ignore format: one line per quantity
  const body = [
    ...[I, F, G, O].flatMap((v, q) => [...at(0, q), ...LOAD, ...set(v)]),
    ...get(2), ...LOAD, ...tanh(c, fma, X, K, R, V), ...set(TC),
    ...get(3), ...LOAD, ...set(DH),
    ...fma.madd([...get(DH), ...get(O), ...MUL], dAct(TC), [...get(4), ...LOAD]), ...set(D),
    ...at(0, 0), ...get(D), ...get(G), ...MUL, ...dRec(I), ...MUL, ...STORE,
    ...at(0, 1), ...get(D), ...get(1), ...LOAD, ...MUL, ...dRec(F), ...MUL, ...STORE,
    ...at(0, 2), ...get(D), ...get(I), ...MUL, ...dAct(G), ...MUL, ...STORE,
    ...at(0, 3), ...get(DH), ...get(TC), ...MUL, ...dRec(O), ...MUL, ...STORE,
    ...get(4), ...get(D), ...get(F), ...MUL, ...STORE,
  ];
  return rowLoop(11 + count(), body, [0], [1, 2, 3, 4], init());
}

/**
 * ex(p, bytes): e^t in place over the `bytes / 16` vectors at p, t clamped to [-87, 87] (the
 * softmax head's exps, `fast-head.ts`). Locals: end (i32 2), then v128 from 3.
 */
function expFunc(fma: MulAdd): number[] {
  const [P, BYTES, END, X, K, R] = [0, 1, 2, 3, 4, 5];
  const { c, init, count } = hoisted(6);
  // biome-ignore format: one line per step
  const body = [
    ...get(P), ...get(P), ...LOAD, ...c(87), ...PMIN, ...c(-87), ...PMAX, ...exp(c, fma, X, K, R), ...STORE,
    ...get(P), 0x41, 16, I32_ADD, ...set(P),
  ];
  // biome-ignore format: one line per step
  const code = [
    ...init(),
    ...get(P), ...get(BYTES), I32_ADD, ...set(END),
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...get(P), ...get(END), 0x4f, 0x0d, 1, // br_if (p >= end) out
    ...body,
    0x0c, 0, 0x0b, 0x0b, 0x0b, // br loop, end loop, end block, end func
  ];
  return [2, 1, 0x7f, 3 + count(), 0x7b, ...code];
}

/** i8x16.shuffle of four f32 lanes of two v128s (0-3: the first's, 4-7: the second's). */
export const shuffle = (lanes: number[]) => [
  ...simd(0x0d),
  ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]),
];

/**
 * tr(ps, pd, rows, cols, ss, ds, tile): [rows, cols] at ps (row stride ss bytes) -> [cols, rows]
 * at pd (row stride ds bytes), rows and cols multiples of 4, in tiles of `tile` columns (a
 * multiple of 4) and all rows, four rows at a time: per 4 x 4 block, four loads
 * r0..r3 = a b c d, t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3 (t2, t3 the same of c, d), and four stores
 * o0 = a0 b0 c0 d0 (t0's and t2's low halves), o1 (high halves), o2, o3 (of t1, t3). Locals: i32
 * 7-17, v128 18-25.
 */
function transposeFunc(): number[] {
  const [PS, PD, ROWS, COLS, SS, DS, TILE] = [0, 1, 2, 3, 4, 5, 6];
  const [JT, I, S, D, SEND, WB, SS2, SS3, DS2, DS3, DS4] = [
    7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
  ];
  const [R0, R1, R2, R3, T0, T1, T2, T3] = [18, 19, 20, 21, 22, 23, 24, 25];
  const [I32_MUL, I32_SHL, LT_U, GE_U, SELECT] = [0x6c, 0x74, 0x49, 0x4f, 0x1b];
  const four = (x: number) => [...get(x), 0x41, 2, I32_SHL]; // 4 x
  const row = (p: number, stride: number | null) =>
    stride === null ? get(p) : [...get(p), ...get(stride), I32_ADD];
  // biome-ignore format: one line per step
  const block = [
    ...[null, SS, SS2, SS3].flatMap((st, q) => [...row(S, st), ...LOAD, ...set(R0 + q)]),
    ...get(R0), ...get(R1), ...shuffle([0, 4, 1, 5]), ...set(T0),
    ...get(R0), ...get(R1), ...shuffle([2, 6, 3, 7]), ...set(T1),
    ...get(R2), ...get(R3), ...shuffle([0, 4, 1, 5]), ...set(T2),
    ...get(R2), ...get(R3), ...shuffle([2, 6, 3, 7]), ...set(T3),
    ...row(D, null), ...get(T0), ...get(T2), ...shuffle([0, 1, 4, 5]), ...STORE,
    ...row(D, DS), ...get(T0), ...get(T2), ...shuffle([2, 3, 6, 7]), ...STORE,
    ...row(D, DS2), ...get(T1), ...get(T3), ...shuffle([0, 1, 4, 5]), ...STORE,
    ...row(D, DS3), ...get(T1), ...get(T3), ...shuffle([2, 3, 6, 7]), ...STORE,
    ...row(D, DS4), ...set(D),
  ];
  // biome-ignore format: one line per step
  const code = [
    ...get(SS), ...get(SS), I32_ADD, ...tee(SS2), ...get(SS), I32_ADD, ...set(SS3),
    ...get(DS), ...get(DS), I32_ADD, ...tee(DS2), ...get(DS), I32_ADD, ...tee(DS3), ...get(DS), I32_ADD, ...set(DS4),
    0x02, 0x40, 0x03, 0x40, // block, loop (tiles: columns jt .. jt + tile)
    ...get(JT), ...get(COLS), GE_U, 0x0d, 1, // br_if (jt >= cols) out
    ...get(COLS), ...get(JT), I32_SUB, ...tee(WB), ...get(TILE), ...get(WB), ...get(TILE), LT_U, SELECT, ...set(WB),
    ...four(WB), ...set(WB), // the tile's width in bytes, min(cols - jt, tile) 4
    0x41, 0, ...set(I),
    0x02, 0x40, 0x03, 0x40, // block, loop (rows, four at a time)
    ...get(I), ...get(ROWS), GE_U, 0x0d, 1, // br_if (i >= rows) out
    ...get(PS), ...get(I), ...get(SS), I32_MUL, I32_ADD, ...four(JT), I32_ADD, ...tee(S), ...get(WB), I32_ADD, ...set(SEND),
    ...get(PD), ...get(JT), ...get(DS), I32_MUL, I32_ADD, ...four(I), I32_ADD, ...set(D),
    0x03, 0x40, // loop (4 x 4 blocks along the tile)
    ...block,
    ...get(S), 0x41, 16, I32_ADD, ...tee(S), ...get(SEND), LT_U, 0x0d, 0, // br_if (s < send) loop
    0x0b,
    ...get(I), 0x41, 4, I32_ADD, ...set(I),
    0x0c, 0, 0x0b, 0x0b, // br rows, end loop, end block
    ...get(JT), ...get(TILE), I32_ADD, ...set(JT),
    0x0c, 0, 0x0b, 0x0b, 0x0b, // br tiles, end loop, end block, end func
  ];
  return [2, 11, 0x7f, 8, 0x7b, ...code];
}

/**
 * The module: memory 0 (exported as `memory`), `fwd` and `bwd` (7 i32) -> (), `ex`
 * (2 i32) -> (), `tr` (7 i32) -> () (the type of `fwd`); its multiply-adds relaxed SIMD's fused
 * ones for the 'relaxed' variant.
 */
function moduleBytes(variant: SimdVariant): Uint8Array<ArrayBuffer> {
  const i32 = (n: number) => Array(n).fill(0x7f);
  const fma = mulAdd(variant === 'relaxed');
  return wasmModuleBytes({
    types: [
      [i32(7), []],
      [i32(2), []],
    ],
    functions: [
      { type: 0, body: forwardFunc(fma) },
      { type: 0, body: backwardFunc(fma) },
      { type: 1, body: expFunc(fma) },
      { type: 0, body: transposeFunc() },
    ],
    exports: [
      ['fwd', 0],
      ['bwd', 1],
      ['ex', 2],
      ['tr', 3],
    ],
  });
}

type Step = (
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  rows: number,
  ub: number,
) => void;

interface GatesModule {
  memory: WebAssembly.Memory;
  fwd: Step;
  bwd: Step;
  ex: (p: number, bytes: number) => void;
  tr: Step;
}

/**
 * `tr`'s tile: 16 columns (one 64-byte line of each source row, read whole in one pass when the
 * block starts on a line, which `placer(64)` gives) over all rows of a chunk (below), so 16
 * output rows are being filled at a time, each line of theirs over four consecutive steps.
 * Measured against 8, 32 and 64 (and 2D tiles of 64 rows): 16 or 32 were fastest, 64 about 1.5x
 * slower on [1024, 1024]. Output rows of 512 floats or a multiple (a 2 KB stride or more) are
 * padded by 16 floats in the module's memory and copied out a row at a time: otherwise a tile's 16
 * rows share one or two L1 sets (8 ways) and evict each other (1.0 -> 0.55-0.7 ns per value on
 * [1024, 256] and [2048, 64]); shorter rows are not (the row-by-row copies cost more than they
 * saved on [256, 1024]).
 */
const TRANSPOSE_TILE = 16;

/**
 * Floats of the source copied in at a time (whole rows, a multiple of 4 of them), each chunk
 * transposed while it is still in L2 (512 KB a core here): in the kernel's training step (W1 LSTM
 * 256, one thread, its arrays out of cache) this took the transposes from 3.0 to 2.0-2.4 ns per
 * value against copying the whole source first; 4096, 8192 and 32768 floats measured alike.
 */
const TRANSPOSE_CHUNK = 32768;

/**
 * Where in the module's memory each block goes. A memcpy between two addresses whose distance
 * modulo 4096 is within a few dozen bytes runs about 10x slower on this machine (4K aliasing of
 * loads and stores in glibc's copy: 1.8 against 25 GB/s, measured with TypedArray.set); the
 * caller's big arrays sit at a page start + 16 and our memory's pages at 0, so offsets as plain
 * as `k n` land there. Each block gets its own 4 KB-aligned slot, shifted so that it sits half a
 * page (mod 4096) from the caller's range it is copied to or from, rounded down to `align` bytes
 * (a power of 2 from 16 to 2048).
 */
export function placer(align = 16) {
  let end = 0;
  return (floats: number, partner: Float32Array, index: number): number => {
    const base = end;
    const byte = base + ((partner.byteOffset + 4 * index + 2048) & 4095 & -align);
    end = base + 4096 + ((4 * floats + 4095) & ~4095);
    return byte >> 2;
  };
}

/** The two builds of the module: with relaxed SIMD's fused multiply-adds, or plain SIMD. */
export type SimdVariant = 'relaxed' | 'simd';

type Transpose = (src: Float32Array, rows: number, cols: number, out: Float32Array) => void;

/** One instance of the module: the gate steps, the exp and the transpose over its memory. */
export interface SimdKernels {
  variant: SimdVariant;
  lstm: SimdLstm;
  exp: (a: Float32Array) => void;
  transpose: Transpose;
}

function make(mod: GatesModule, variant: SimdVariant): SimdKernels {
  /** A view of the module's memory holding at least `floats` floats. */
  const view = memoryView(mod.memory);
  /** Step k's sizes and offsets: n = batch units, its [batch, 4u] block at g0, state slot at s0. */
  const step = (batch: number, units: number, k: number) => {
    if (units % 4 !== 0) throw new RangeError(`simdLstm needs units % 4 === 0, got ${units}`);
    const n = batch * units;
    return { n, n4: 4 * n, g0: 4 * k * n, s0: k * n, place: placer() };
  };
  const lstm: SimdLstm = {
    forward(batch, units, k, xp, m, hs, cs, gates) {
      const { n, n4, g0: xo, s0: so, place } = step(batch, units, k);
      const x = place(n4, gates, xo); // x in, gates out
      const mm = place(n4, m, 0);
      const c = place(n, cs, so);
      const co = place(n, cs, so + n);
      const h = place(n, hs, so + n);
      const f = view(h + n);
      f.set(xp.subarray(xo, xo + n4), x);
      f.set(m.subarray(0, n4), mm);
      f.set(cs.subarray(so, so + n), c);
      mod.fwd(4 * x, 4 * mm, 4 * c, 4 * co, 4 * h, batch, 4 * units);
      gates.set(f.subarray(x, x + n4), xo);
      cs.set(f.subarray(co, co + n), so + n);
      hs.set(f.subarray(h, h + n), so + n);
    },
    backward(batch, units, k, dh, dc, cs, gates, dZ) {
      const { n, n4, g0: go, s0: so, place } = step(batch, units, k);
      const g = place(n4, dZ, go); // gates in, dZ out
      const cp = place(n, cs, so);
      const cn = place(n, cs, so + n);
      const d = place(n, dh, 0);
      const e = place(n, dc, 0); // dc in and out
      const f = view(e + n);
      f.set(gates.subarray(go, go + n4), g);
      f.set(cs.subarray(so, so + n), cp);
      f.set(cs.subarray(so + n, so + 2 * n), cn);
      f.set(dh.subarray(0, n), d);
      f.set(dc.subarray(0, n), e);
      mod.bwd(4 * g, 4 * cp, 4 * cn, 4 * d, 4 * e, batch, 4 * units);
      dZ.set(f.subarray(g, g + n4), go);
      dc.set(f.subarray(e, e + n));
    },
  };
  const exp = (a: Float32Array): void => {
    const n = a.length;
    const at = placer()((n + 3) & ~3, a, 0);
    const f = view(at + n + 4);
    f.set(a, at);
    mod.ex(4 * at, 4 * ((n + 3) & ~3)); // a padding lane or three: computed, not copied back
    a.set(f.subarray(at, at + n));
  };
  const transpose: Transpose = (src, rows, cols, out) => {
    if (rows % 4 !== 0 || cols % 4 !== 0)
      throw new RangeError(`simdTranspose needs rows and cols % 4 === 0, got ${rows} x ${cols}`);
    const n = rows * cols;
    const place = placer(64);
    const ds = rows % 512 === 0 ? rows + 16 : rows; // out's row stride in the module (see above)
    const rb = Math.min(rows, Math.max(4, Math.floor(TRANSPOSE_CHUNK / cols) & ~3)); // rows a chunk
    const slot = place(rb * cols, src, 0) & ~1023; // the chunks' 4 KB-aligned slot
    const d = place(cols * ds, out, 0);
    const f = view(d + cols * ds);
    for (let i0 = 0; i0 < rows; i0 += rb) {
      const r = Math.min(rb, rows - i0);
      const s = slot + (((src.byteOffset + 4 * i0 * cols + 2048) & 4095 & -64) >> 2);
      f.set(src.subarray(i0 * cols, (i0 + r) * cols), s);
      mod.tr(4 * s, 4 * (d + i0), r, cols, 4 * cols, 4 * ds, TRANSPOSE_TILE);
    }
    if (ds === rows) out.set(f.subarray(d, d + n));
    else for (let j = 0, o = d; j < cols; j++, o += ds) out.set(f.subarray(o, o + rows), j * rows);
  };
  return { variant, lstm, exp, transpose };
}

/**
 * A fresh instance of the module in `variant`, or null where the engine cannot run it (no
 * WebAssembly SIMD; for 'relaxed', no relaxed SIMD). The kernel uses `simdVariant`'s; the tests
 * and benches build both.
 */
export function simdKernels(variant: SimdVariant): SimdKernels | null {
  const mod = instantiateWasm<GatesModule>(moduleBytes(variant));
  return mod === null ? null : make(mod, variant);
}

/** Relaxed where the engine has it (`hasRelaxedSimd`), else plain SIMD, else null. */
const made = (hasRelaxedSimd() ? simdKernels('relaxed') : null) ?? simdKernels('simd');

/**
 * Which module the gate steps, `simdExp` and `simdTranspose` run here: 'relaxed' (relaxed SIMD's
 * fused multiply-adds: Chromium, Node 22+, Node 20 with `--experimental-wasm-relaxed-simd`),
 * 'simd' (WebAssembly SIMD without it), or null (no SIMD: the JS steps).
 */
export const simdVariant: SimdVariant | null = made?.variant ?? null;

/**
 * [rows, cols] -> [cols, rows] on WebAssembly SIMD; null where SIMD is unavailable. Requires
 * rows % 4 === 0 and cols % 4 === 0 (throws a RangeError otherwise). Reads src[0, rows cols),
 * writes out[0, rows cols); out may be src (both are copied through the module's memory, which
 * grows to about 4 rows cols bytes for the largest call and keeps them).
 */
export const simdTranspose: Transpose | null = made?.transpose ?? null;

/** The SIMD gate steps, or null where WebAssembly SIMD is unavailable (keep the JS steps). */
export const simdLstm: SimdLstm | null = made?.lstm ?? null;

/**
 * The SIMD gate steps for a layer, where they apply: an LSTM with Keras's default activations
 * (tanh, sigmoid: the ones they compute) and units a multiple of 4; else null (the JS steps).
 */
export function simdLstmFor(
  cell: string,
  activation: string,
  recurrentActivation: string,
  units: number,
): SimdLstm | null {
  const fits =
    cell === 'lstm' &&
    activation === 'tanh' &&
    recurrentActivation === 'sigmoid' &&
    units % 4 === 0;
  return fits ? simdLstm : null;
}

/**
 * e^t in place over an array of values t <= 0 (a softmax's t - max), float32 on SIMD with the
 * gate steps' exp (within 1.2e-7 relative of exact; values below -87 give about 1.6e-38 instead of
 * a smaller number or 0); null where WebAssembly SIMD is unavailable.
 */
export const simdExp: ((a: Float32Array) => void) | null = made?.exp ?? null;
