/**
 * The native engine's seam: finds `@rnnkit/native` (an optional peer dependency: an N-API addon
 * with the recurrence kernel in C++) in Node, lazily, on the first kernel call that could use it,
 * and says which engine runs. In a browser, or where the package is not installed, nothing is
 * loaded and the wasm engine runs, silently. Installed but not loadable (no binary for this
 * platform, no compiler at install): one line on stderr, once (or to `setNativeWarning`'s hook),
 * then the wasm engine. `RNNKIT_NATIVE=0` forces the wasm engine.
 *
 * The native engine runs a whole sequence run (`native-core.ts`, a drop-in for `RecurrenceCore`)
 * on its own threads; runs it does not cover (masks, dropout masks) stay on the wasm engine,
 * chosen per call.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts` (wasm) and `native-core.ts` (native); `pool.ts` and `worker.ts` (the
 * wasm engine's second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * import { recurrenceEngine, setRecurrenceEngine } from '@rnnkit/models';
 * recurrenceEngine(); // { engine: 'native', isa: 'avx512', threads: 2, reason: null } (where it loads)
 * setRecurrenceEngine('wasm'); // the WebAssembly kernel, whatever is installed
 * ```
 */
import type * as MOD from 'node:module';
import { ModelsError } from '../errors.js';
import type { HeadKernels, HeadProducts } from './fast-head.js';
import { type Products, productsFor } from './fast-wasm.js';

/** The binding version this code speaks (`@rnnkit/native`'s NATIVE_ABI). */
const ABI = 1;

/**
 * The buffers of one sequence run as the addon's `forward` and `backward` take them (spec: cell,
 * act, recAct, batch, time, units, resetAfter; `native-core.ts` makes them).
 */
type RunArgs = [
  spec: Int32Array,
  xp: Float32Array,
  recurrent: Float32Array,
  bRec: Float32Array | null,
  hs: Float32Array,
  cs: Float32Array | null,
  aux: Float32Array | null,
];

/** One-hot rows: out, table (gatherRows) or src (scatterAddRows), idx, rows, g, features. */
type RowArgs = [
  out: Float32Array,
  rows: Float32Array,
  idx: Int32Array,
  count: number,
  g: number,
  features: number,
];

/**
 * The part of `@rnnkit/native`'s addon this package calls (its `NativeAddon`; written out here so
 * that this package's types never need it installed). Arrays are checked by the addon.
 */
export interface NativeAddon {
  info(): { isa: string; threads: number };
  /** c [n, m] = (acc ? c : 0) + op(a) op(b), a stored [k, n] when transA, b [m, k] when transB */
  gemm(
    c: Float32Array,
    a: Float32Array,
    b: Float32Array,
    n: number,
    k: number,
    m: number,
    transA: boolean,
    transB: boolean,
    acc: boolean,
  ): void;
  forward(...run: RunArgs): void;
  backward(
    ...args: [
      ...RunArgs,
      dSeq: Float32Array | null,
      dh: Float32Array,
      dc: Float32Array | null,
      dZ: Float32Array | null,
      dZin: Float32Array,
      dR: Float32Array,
      dBrec: Float32Array | null,
    ]
  ): void;
  adam(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    out: Float32Array,
    scalars: Float32Array,
  ): void;
  gatherRows(...rows: RowArgs): void;
  scatterAddRows(...rows: RowArgs): void;
  /** The fused softmax head's forward (absent from addons before @rnnkit/native 0.2). */
  headForward?: HeadKernels['forward'];
  /** Its backward. */
  headBackward?: HeadKernels['backward'];
}

/** Which engine the fast kernel uses: 'auto' (native where it loads), 'native' or 'wasm'. */
export type RecurrenceEngine = 'auto' | 'native' | 'wasm';

/** What `recurrenceEngine()` reports. */
export interface EngineStatus {
  /** the engine of the next run it covers */
  engine: 'native' | 'wasm';
  /** the native micro-kernels ('avx512', 'avx2', 'generic'), or null */
  isa: string | null;
  /** the native thread pool's size, or null */
  threads: number | null;
  /** why the native engine does not run, or null */
  reason: string | null;
}

/** What loading found: the addon, or why not and whether that is worth a warning. */
export interface NativeLoad {
  addon: NativeAddon | null;
  reason: string | null;
  /** the package is there but cannot run: say so (once) */
  warn: boolean;
}

let setting: RecurrenceEngine = 'auto';
let loaded: NativeLoad | undefined;
let warning: (line: string) => void = (line) => {
  const proc = (globalThis as { process?: { stderr?: { write(s: string): void } } }).process;
  proc?.stderr?.write(`${line}\n`);
};

/** Selects the fast kernel's engine (process-wide). 'native' throws here when it cannot load. */
export function setRecurrenceEngine(engine: RecurrenceEngine): void {
  if (engine !== 'auto' && engine !== 'native' && engine !== 'wasm') {
    throw new ModelsError(
      'BAD_OPTION',
      `recurrence engine must be 'auto', 'native' or 'wasm', got ${String(engine)}: 'auto' uses @rnnkit/native where it loads`,
    );
  }
  if (engine === 'native' && load().addon === null) {
    throw new ModelsError(
      'BAD_OPTION',
      `the native engine cannot run here: ${load().reason}. Install @rnnkit/native (it needs a prebuild for this platform or a C++ compiler), or use 'auto'`,
    );
  }
  setting = engine;
}

/**
 * Where the one-line warning goes (default: stderr) when @rnnkit/native is installed but cannot
 * load; give `() => {}` to silence it.
 */
export function setNativeWarning(hook: (line: string) => void): void {
  warning = hook;
}

/** The engine the next covered run uses, with the native engine's ISA and threads, or why not. */
export function recurrenceEngine(): EngineStatus {
  const { addon, reason } = load();
  if (addon === null || setting === 'wasm') {
    return { engine: 'wasm', isa: null, threads: null, reason: reason ?? 'setRecurrenceEngine' };
  }
  const { isa, threads } = addon.info();
  return { engine: 'native', isa, threads, reason: null };
}

/**
 * Loads `@rnnkit/native` through `require` (Node's createRequire; undefined in browsers): pure,
 * for tests. `env` is RNNKIT_NATIVE.
 */
export function loadNativeWith(
  require: ((id: string) => unknown) | undefined,
  env?: string,
): NativeLoad {
  if (env === '0') return { addon: null, reason: 'RNNKIT_NATIVE=0', warn: false };
  if (require === undefined) return { addon: null, reason: 'not in Node', warn: false };
  let pkg: { loadNative(): { addon: NativeAddon | null; abi: number; reason?: string } };
  try {
    pkg = require('@rnnkit/native') as typeof pkg;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      return { addon: null, reason: '@rnnkit/native is not installed', warn: false };
    }
    return { addon: null, reason: `@rnnkit/native failed to load: ${String(e)}`, warn: true };
  }
  const got = pkg.loadNative();
  if (got.addon === null) return { addon: null, reason: got.reason ?? 'unknown', warn: true };
  if (got.abi !== ABI) {
    return {
      addon: null,
      reason: `@rnnkit/native speaks binding version ${got.abi}, this @rnnkit/models ${ABI}: install matching versions`,
      warn: true,
    };
  }
  return { addon: got.addon, reason: null, warn: false };
}

function load(): NativeLoad {
  if (loaded !== undefined) return loaded;
  const proc = (
    globalThis as {
      process?: {
        env?: Record<string, string | undefined>;
        getBuiltinModule?: (id: string) => unknown;
      };
    }
  ).process;
  const mod = proc?.getBuiltinModule?.('node:module') as typeof MOD | undefined;
  loaded = loadNativeWith(mod?.createRequire(import.meta.url), proc?.env?.RNNKIT_NATIVE);
  if (loaded.warn) {
    warning(`rnnkit: the native engine is not used (${loaded.reason}); running the wasm kernel`);
  }
  return loaded;
}

/**
 * The addon for a run without masks (a padding mask, or Keras's per-gate dropout masks), when the
 * engine setting allows it; else null (the wasm engine).
 */
export function nativeFor(masked: boolean): NativeAddon | null {
  if (setting === 'wasm' || masked) return null;
  return load().addon;
}

/** headProducts on each addon, made once (the head asks every step). */
const onAddon = new WeakMap<NativeAddon, HeadProducts>();

/**
 * The fused softmax head's (`fast-head.ts`) kernels on the native engine when it runs: the whole
 * head in the addon (`headKernels`; the GEMM's products for an addon without them), else the
 * products of the wasm heap (`productsFor`).
 */
export function headProducts(backend: object): HeadProducts {
  const addon = nativeFor(false);
  if (addon === null) return productsFor(backend);
  let mm = onAddon.get(addon);
  if (mm === undefined) {
    const head = headKernels(addon);
    mm = head === null ? nativeProducts(addon) : { ...nativeProducts(addon), head };
    onAddon.set(addon, mm);
  }
  return mm;
}

/** The fused head's native kernels, or null for an addon without them (an older build). */
export function headKernels(addon: NativeAddon): HeadKernels | null {
  const { headForward, headBackward } = addon;
  if (headForward === undefined || headBackward === undefined) return null;
  return {
    forward: (...args) => headForward(...args),
    backward: (...args) => headBackward(...args),
  };
}

/** `Products` over the addon's GEMM. */
export function nativeProducts(addon: NativeAddon): Products {
  return {
    product(w, inner, outer, rows) {
      const out = new Float32Array(rows * outer);
      return {
        run: (a) => {
          addon.gemm(out, a, w, rows, inner, outer, false, false, false);
          return out;
        },
        dispose: () => {},
      };
    },
    mul(a, n, k, b, m, into) {
      const out = into ?? new Float32Array(n * m);
      addon.gemm(out, a, b, n, k, m, false, false, false);
      return out;
    },
  };
}

/**
 * The addon's Adam update (`@rnnkit/training`'s adam-pass numbers, bit for bit, on both cores)
 * when the native engine runs, else null: w, g, m, v, out (may be w), and the float32 scalars b1,
 * b2, 1 - b1, 1 - b2, 1 - b1^t, 1 - b2^t, eps, -lr, keep.
 */
export function nativeAdam(): NativeAddon['adam'] | null {
  const addon = nativeFor(false);
  return addon === null ? null : (w, g, m, v, out, scalars) => addon.adam(w, g, m, v, out, scalars);
}
