/**
 * The Adam (or AdamW) update over Float32Arrays, with tfjs's numbers: tfjs's op sequence with a
 * float32 rounding after each op. `AdamArena` holds every variable of an optimizer in one block and
 * updates them all in one pass, by whichever of three implementations runs here (the same bits):
 *
 * - the addon's (`@rnnkit/native` through `nativeAdam`, both cores) for 4 096 values and more;
 * - a 290-byte WebAssembly module (SIMD, four floats per instruction) whose float32 ops are IEEE's,
 *   so each rounds as the op it stands for; the arena is its memory;
 * - `adamPassJs`: the same sequence in JS doubles, `Math.fround` after each op (for +, -, *, / and
 *   sqrt of float32 values, float64 then one rounding gives the correctly rounded float32 result);
 *   used where WebAssembly SIMD is not available.
 *
 * @example
 * ```ts
 * const w = Float32Array.of(1, -2);
 * const m = new Float32Array(2);
 * const v = new Float32Array(2);
 * const c = { b1: Math.fround(0.9), b2: Math.fround(0.999), omb1: Math.fround(0.1),
 *   omb2: Math.fround(0.001), omab1: Math.fround(0.1), omab2: Math.fround(0.001),
 *   eps: Math.fround(1e-7), negLr: Math.fround(-0.1), keep: 1 };
 * adamPassJs(w, Float32Array.of(0.5, 0.25), m, v, w, c);
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

let compiled: WebAssembly.Module | null | undefined;

/** A fresh instance of the module (its own memory), or null where WebAssembly SIMD is not available. */
function adamModule(): AdamModule | null {
  if (compiled === undefined) {
    // instantiateWasm validates and compiles; the compiled module is kept for later instances
    const first = instantiateWasm<AdamModule>(moduleBytes());
    compiled = first === null ? null : new WebAssembly.Module(moduleBytes());
    return first;
  }
  return compiled === null
    ? null
    : (new WebAssembly.Instance(compiled, {}).exports as unknown as AdamModule);
}

/** Below this many values in all an update stays in wasm/JS (the addon call costs more than it saves). */
const NATIVE_MIN = 4096;

/** The passes that can run an arena: the addon's, the WebAssembly SIMD module's, JS. */
export type AdamPassKind = 'native' | 'simd' | 'js';

/**
 * The Adam state of every variable of an optimizer in one block of memory, updated by one pass:
 * four regions (weights w, gradients g, moments m and v) of `q` floats each, variable i at the
 * same offset in each, padded to a multiple of four floats (zeros there stay zeros: g = m = v = 0
 * leaves w = 0). The block is the SIMD module's own memory (grown once, here), so a step copies
 * the gradients in and the new weights out, and m and v never move: one call per step instead of
 * four copies and a call per variable. The addon (`nativeAdam`, both cores) runs the same float32
 * operations in the same order, and so does `adamPassJs`: the same bits whichever runs.
 *
 * @example
 * ```ts
 * const arena = new AdamArena([2]);
 * arena.w(0).set([1, -2]);
 * arena.g(0).set([0.5, 0.25]);
 * arena.run(c); // c: the scalars of adamPassJs's example
 * arena.w(0); // Float32Array [0.9, -2.1]
 * ```
 */
export class AdamArena {
  /** Values of each variable, in order. */
  readonly sizes: readonly number[];
  /** Floats per region. */
  readonly q: number;
  private readonly starts: number[] = [];
  private readonly mod: AdamModule | null;
  /** [4 q]: w | g | m | v */
  private readonly all: Float32Array;
  private readonly scalars = new Float32Array(9);

  /** `simd` false: plain JS memory and the JS pass (where the module cannot run, and for tests). */
  constructor(sizes: readonly number[], simd = true) {
    this.sizes = [...sizes];
    let q = 0;
    for (const n of sizes) {
      this.starts.push(q);
      q += (n + 3) & ~3;
    }
    this.q = Math.max(q, 4);
    this.mod = simd ? adamModule() : null;
    if (this.mod === null) {
      this.all = new Float32Array(4 * this.q);
    } else {
      const need = 16 * this.q;
      const have = this.mod.memory.buffer.byteLength;
      if (have < need) this.mod.memory.grow(Math.ceil((need - have) / 65536));
      // the memory never grows again, so views of it stay valid
      this.all = new Float32Array(this.mod.memory.buffer, 0, 4 * this.q);
      this.all.fill(0);
    }
  }

  private region(r: number, i: number): Float32Array {
    const from = r * this.q + (this.starts[i] as number);
    return this.all.subarray(from, from + (this.sizes[i] as number));
  }

  /** Variable i's weights (a view: write them before a pass, read the update after). */
  w(i: number): Float32Array {
    return this.region(0, i);
  }
  /** Variable i's gradient (write it before a pass). */
  g(i: number): Float32Array {
    return this.region(1, i);
  }
  /** Variable i's first moment. */
  m(i: number): Float32Array {
    return this.region(2, i);
  }
  /** Variable i's second moment. */
  v(i: number): Float32Array {
    return this.region(3, i);
  }

  /** The pass `run` picks: the addon for large arenas where it runs, else SIMD, else JS. */
  pass(): AdamPassKind {
    if (this.q >= NATIVE_MIN && nativeAdam() !== null) return 'native';
    return this.mod === null ? 'js' : 'simd';
  }

  /** One update of every variable: m, v and w in place from g. */
  run(c: AdamScalars, kind: AdamPassKind = this.pass()): void {
    const { q, all } = this;
    const [w, g, m, v] = [0, 1, 2, 3].map((r) => all.subarray(r * q, (r + 1) * q)) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const native = kind === 'native' ? nativeAdam() : null;
    if (native !== null) {
      const s = this.scalars;
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
      native(w, g, m, v, w, s);
    } else if (kind !== 'js' && this.mod !== null) {
      const { b1, b2, omb1, omb2, omab1, omab2, eps, negLr, keep } = c;
      const b = 4 * q; // bytes per region
      this.mod.adam(0, b, 2 * b, 3 * b, b, b1, b2, omb1, omb2, omab1, omab2, eps, negLr, keep);
    } else {
      adamPassJs(w, g, m, v, w, c);
    }
  }
}

/** Whether the WebAssembly SIMD pass runs here (else arenas use the JS pass). */
export const simdAvailable = (): boolean => adamModule() !== null;
