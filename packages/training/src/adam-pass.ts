/**
 * One Adam (or AdamW) update of one variable over Float32Arrays, with tfjs's numbers: tfjs's op
 * sequence with a float32 rounding after each op. Two implementations giving the same bits:
 *
 * - `adamPassSimd`: a 290-byte WebAssembly module (SIMD, four floats per instruction) whose
 *   float32 ops are IEEE's, so each rounds as the op it stands for; about 13 us a W2 step
 *   (4 385 values) against about 90 us for the JS pass on this machine.
 * - `adamPassJs`: the same sequence in JS doubles, `Math.fround` after each op (for +, -, *, / and
 *   sqrt of float32 values, float64 then one rounding gives the correctly rounded float32 result);
 *   used where WebAssembly SIMD is not available.
 *
 * `adamPass` picks the first that runs here.
 *
 * @example
 * ```ts
 * const w = Float32Array.of(1, -2);
 * const m = new Float32Array(2);
 * const v = new Float32Array(2);
 * const c = { b1: Math.fround(0.9), b2: Math.fround(0.999), omb1: Math.fround(0.1),
 *   omb2: Math.fround(0.001), omab1: Math.fround(0.1), omab2: Math.fround(0.001),
 *   eps: Math.fround(1e-7), negLr: Math.fround(-0.1), keep: 1 };
 * adamPass(w, Float32Array.of(0.5, 0.25), m, v, w, c);
 * w; // Float32Array [0.9, -2.1]: the first Adam step moves each weight by lr
 * ```
 */
import {
  F32X4,
  I32_ADD,
  instantiateWasm,
  localGet,
  localSet,
  nativeAdam,
  V128_LOAD,
  V128_STORE,
  wasmModuleBytes,
} from '@rnnkit/models/kernels';

/** The float32 scalars of one update, rounded as tfjs rounds them. */
export interface AdamScalars {
  b1: number;
  b2: number;
  /** 1 - b1, 1 - b2 */
  omb1: number;
  omb2: number;
  /** 1 - b1^t, 1 - b2^t */
  omab1: number;
  omab2: number;
  eps: number;
  negLr: number;
  /** AdamW's 1 - lr wd; exactly 1 for Adam. */
  keep: number;
}

/** An update of w, g, m, v into out (out may be w; m and v updated in place). */
export type AdamPass = (
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  out: Float32Array,
  c: AdamScalars,
) => void;

/**
 * The JS pass. A top-level function with `Math.fround` written out: V8 inlines it there (an alias
 * or a closure per variable measured 1.5x slower).
 */
export const adamPassJs: AdamPass = (w, g, m, v, out, c) => {
  const { b1, b2, omb1, omb2, omab1, omab2, eps, negLr, keep } = c;
  const decay = keep !== 1;
  for (let j = 0; j < out.length; j++) {
    const gj = g[j] as number;
    // m = m b1 + g (1 - b1); v = v b2 + g^2 (1 - b2)
    const mj = Math.fround(Math.fround((m[j] as number) * b1) + Math.fround(gj * omb1));
    const vj = Math.fround(
      Math.fround((v[j] as number) * b2) + Math.fround(Math.fround(gj * gj) * omb2),
    );
    m[j] = mj;
    v[j] = vj;
    // w + (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) * -lr, w decayed first for AdamW
    const mHat = Math.fround(mj / omab1);
    const vHat = Math.fround(vj / omab2);
    const step = Math.fround(
      Math.fround(mHat / Math.fround(Math.fround(Math.sqrt(vHat)) + eps)) * negLr,
    );
    const wj = decay ? Math.fround((w[j] as number) * keep) : (w[j] as number);
    out[j] = Math.fround(step + wj);
  }
};

/**
 * The module's bytes: memory 0 (exported as `memory`) and
 * `adam(w, g, m, v, bytes, b1, b2, omb1, omb2, omab1, omab2, eps, negLr, keep)`, byte offsets of
 * four arrays of `bytes` bytes (a multiple of 16), updated four floats at a time:
 *   m = m b1 + g omb1; v = v b2 + (g g) omb2;
 *   w = ((m / omab1) / (sqrt(v / omab2) + eps)) negLr + w keep
 * (each operation a float32 one, in that order, as `adamPassJs` rounds them; w keep = w when
 * keep is 1).
 */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const [get, set, load, store] = [localGet, localSet, V128_LOAD, V128_STORE];
  const { splat, sqrt, add, mul, div } = F32X4;
  // params 0-3 w g m v (i32), 4 bytes (i32), 5-13 the scalars (f32); locals 14 i (i32),
  // 15-23 the scalars splatted (v128), 24 g, 25 m, 26 v (v128)
  const at = (p: number) => [...get(p), ...get(14), I32_ADD]; // p + i
  // biome-ignore format: one line per step of the update
  const body = [
    ...[5, 6, 7, 8, 9, 10, 11, 12, 13].flatMap((p) => [...get(p), ...splat, ...set(p + 10)]),
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...get(14), ...get(4), 0x4f, 0x0d, 1, // br_if (i >= bytes) out of the block
    ...at(1), ...load, ...set(24), // g
    ...at(2), ...load, ...get(15), ...mul, ...get(24), ...get(17), ...mul, ...add, ...set(25), // m
    ...at(3), ...load, ...get(16), ...mul, ...get(24), ...get(24), ...mul, ...get(18), ...mul,
    ...add, ...set(26), // v
    ...at(2), ...get(25), ...store,
    ...at(3), ...get(26), ...store,
    ...at(0), // where w goes
    ...get(25), ...get(19), ...div, // m / omab1
    ...get(26), ...get(20), ...div, ...sqrt, ...get(21), ...add, // sqrt(v / omab2) + eps
    ...div, ...get(22), ...mul, // the step
    ...at(0), ...load, ...get(23), ...mul, // w keep
    ...add, ...store,
    ...get(14), 0x41, 16, 0x6a, ...set(14), // i += 16
    0x0c, 0, 0x0b, 0x0b, 0x0b, // br loop, end loop, end block, end func
  ];
  const func = [2, 1, 0x7f, 12, 0x7b, ...body]; // locals: 1 i32, 12 v128
  const params = [...Array(5).fill(0x7f), ...Array(9).fill(0x7d)]; // 5 i32, 9 f32
  return wasmModuleBytes({
    types: [[params, []]],
    functions: [{ type: 0, body: func }],
    exports: [['adam', 0]],
  });
}

interface AdamModule {
  memory: WebAssembly.Memory;
  adam: (w: number, g: number, m: number, v: number, bytes: number, ...c: number[]) => void;
}

let simdModule: AdamModule | null | undefined;

/** The module, or null where WebAssembly (or its SIMD) is not available. */
function adamModule(): AdamModule | null {
  if (simdModule !== undefined) return simdModule;
  simdModule = instantiateWasm<AdamModule>(moduleBytes());
  return simdModule;
}

/**
 * The SIMD pass: copies w, g, m, v into the module's memory (each padded to a multiple of four
 * floats), runs it, copies m, v and the new weights back. Null where it cannot run.
 */
export const adamPassSimd: AdamPass | null = adamModule()
  ? (w, g, m, v, out, c) => {
      const mod = adamModule() as AdamModule;
      const n = out.length;
      const q = (n + 3) & ~3; // floats per array, padded
      const need = 16 * q;
      const have = mod.memory.buffer.byteLength;
      if (have < need) mod.memory.grow(Math.ceil((need - have) / 65536));
      const f = new Float32Array(mod.memory.buffer, 0, 4 * q);
      f.set(w.subarray(0, n), 0);
      f.set(g.subarray(0, n), q);
      f.set(m, 2 * q);
      f.set(v, 3 * q);
      const { b1, b2, omb1, omb2, omab1, omab2, eps, negLr, keep } = c;
      mod.adam(0, 4 * q, 8 * q, 12 * q, 4 * q, b1, b2, omb1, omb2, omab1, omab2, eps, negLr, keep);
      m.set(f.subarray(2 * q, 2 * q + n));
      v.set(f.subarray(3 * q, 3 * q + n));
      out.set(f.subarray(0, n));
    }
  : null;

/** Below this many values an update stays in JS/wasm (the call costs more than it saves). */
const NATIVE_MIN = 4096;
const nativeScalars = new Float32Array(9);

/**
 * The native engine's pass (`@rnnkit/native`, through `nativeAdam`: the same float32 operations
 * in the same order, so the same numbers bit for bit, on both cores) where it runs, else the wasm
 * pass, else JS.
 */
export const adamPass: AdamPass = (w, g, m, v, out, c) => {
  const native = out.length >= NATIVE_MIN ? nativeAdam() : null;
  if (native === null) {
    (adamPassSimd ?? adamPassJs)(w, g, m, v, out, c);
    return;
  }
  const s = nativeScalars;
  [s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]] = [
    c.b1,
    c.b2,
    c.omb1,
    c.omb2,
    c.omab1,
    c.omab2,
    c.eps,
    c.negLr,
    c.keep,
  ];
  const n = out.length;
  native(w.subarray(0, n), g.subarray(0, n), m, v, out, s);
};
