/**
 * The native engine's loader, behind `native.ts` (the seam's public face): finds and loads
 * `@rnnkit/native` once, checks its binding version, and hands the addon to the kernels that call
 * it (`native-core.ts`, the fused head, Adam). The addon's types are `@rnnkit/native`'s own,
 * imported as types only: nothing in this file is part of this package's public types, so they
 * never need the optional package installed.
 */
import type * as MOD from 'node:module';
import type { NativeAddon as Addon } from '@rnnkit/native';
import type { HeadKernels, HeadProducts } from './fast-head.js';
import { type Products, productsFor } from './fast-wasm.js';

/** The binding version this code speaks (`@rnnkit/native`'s NATIVE_ABI). */
const ABI = 1;

/**
 * The addon as this package meets it: `@rnnkit/native`'s, whose fused head kernels an addon older
 * than 0.2 lacks (`setIsa` is for its own tests).
 */
export type NativeAddon = Omit<Addon, 'setIsa' | 'headForward' | 'headBackward'> &
  Partial<Pick<Addon, 'headForward' | 'headBackward'>>;

/** What loading found: the addon, or why not and whether that is worth a warning. */
export interface NativeLoad {
  addon: NativeAddon | null;
  reason: string | null;
  /** the package is there but cannot run: say so (once) */
  warn: boolean;
}

/** `setRecurrenceEngine('wasm')` holds ('auto' and 'native' run the addon where it loads) */
let wasmOnly = false;
let loaded: NativeLoad | undefined;
let warning: (line: string) => void = (line) => {
  const proc = (globalThis as { process?: { stderr?: { write(s: string): void } } }).process;
  proc?.stderr?.write(`${line}\n`);
};

/** Whether the engine setting keeps every run on the wasm engine. */
export function isWasmOnly(): boolean {
  return wasmOnly;
}

export function setWasmOnly(only: boolean): void {
  wasmOnly = only;
}

/** Where the one-line warning goes (`setNativeWarning`'s hook). */
export function setWarning(hook: (line: string) => void): void {
  warning = hook;
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

/** The addon, loaded on the first call, or why not. */
export function load(): NativeLoad {
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
  if (wasmOnly || masked) return null;
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
