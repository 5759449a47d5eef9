/**
 * The native engine's seam: finds `@rnnkit/native` (an optional peer dependency: an N-API addon
 * with the recurrence kernel in C++) in Node, lazily, on the first kernel call that could use it,
 * and says which engine runs. In a browser, or where the package is not installed, nothing is
 * loaded and the wasm engine runs, silently. Installed but not loadable (no binary for this
 * platform, no compiler at install): one line on stderr, once (or to `setNativeWarning`'s hook),
 * then the wasm engine. `RNNKIT_NATIVE=0` forces the wasm engine.
 *
 * The addon itself is loaded and held by `native-load.ts`, whose types (the addon's, from
 * `@rnnkit/native`) stay out of this package's public ones.
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
import { ModelsError } from '../errors.js';
import { isWasmOnly, load, nativeFor, setWarning, setWasmOnly } from './native-load.js';

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
  setWasmOnly(engine === 'wasm');
}

/**
 * Where the one-line warning goes (default: stderr) when @rnnkit/native is installed but cannot
 * load; give `() => {}` to silence it.
 */
export function setNativeWarning(hook: (line: string) => void): void {
  setWarning(hook);
}

/** The engine the next covered run uses, with the native engine's ISA and threads, or why not. */
export function recurrenceEngine(): EngineStatus {
  const { addon, reason } = load();
  if (addon === null || isWasmOnly()) {
    return { engine: 'wasm', isa: null, threads: null, reason: reason ?? 'setRecurrenceEngine' };
  }
  const { isa, threads } = addon.info();
  return { engine: 'native', isa, threads, reason: null };
}

type F32 = Float32Array;

/** The addon's Adam update as `nativeAdam` hands it out (every array float32). */
export type AdamUpdate = (w: F32, g: F32, m: F32, v: F32, out: F32, scalars: F32) => void;

/**
 * The addon's Adam update (`@rnnkit/training`'s adam-pass numbers, bit for bit, on both cores)
 * when the native engine runs, else null: w, g, m, v, out (may be w), and the float32 scalars b1,
 * b2, 1 - b1, 1 - b2, 1 - b1^t, 1 - b2^t, eps, -lr, keep.
 */
export function nativeAdam(): AdamUpdate | null {
  const addon = nativeFor(false);
  return addon === null ? null : (w, g, m, v, out, scalars) => addon.adam(w, g, m, v, out, scalars);
}
