/**
 * `@rnnkit/native`: rnnkit's native engine for Node, an N-API addon with the recurrence kernel
 * (rnn, lstm, gru forward and backward through time, gates computed on each step's product), the
 * fused softmax head and Adam in C++, on GEMM micro-kernels for AVX-512 and AVX2 (chosen at run time) with a portable
 * fallback, on a thread pool of its own. `@rnnkit/models` loads it lazily when it is installed;
 * nothing here needs to be called by a user. This entry only finds and loads the binary: a prebuild
 * in `prebuilds/<platform>-<arch>/` (the prebuildify convention), else the one built from source
 * at install (`build/Release/`).
 *
 * @example
 * ```ts
 * const { loadNative } = require('@rnnkit/native');
 * const loaded = loadNative();
 * loaded.addon ? loaded.addon.info() : loaded.reason; // { isa: 'avx512', threads: 2, spinUs: 100, ... } here
 * ```
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The binding's version: `@rnnkit/models` uses an addon only when it knows this version. */
export const NATIVE_ABI = 1;

/**
 * A sequence run's arguments, forward and backward alike: spec [cell (0 rnn, 1 lstm, 2 gru), act,
 * recAct (0 tanh, 1 relu, 2 linear, 3 sigmoid, 4 hardSigmoid), batch, time, units, resetAfter];
 * xp [time*batch, g] the input projection, overwritten by the gates; the recurrent kernel and its
 * bias row (gru resetAfter); hs, cs [(time+1)*batch, units] with slot 0 the initial state; aux
 * [time*batch, units] (gru).
 */
export type SequenceRun = [
  spec: Int32Array,
  xp: Float32Array,
  recurrent: Float32Array,
  bRec: Float32Array | null,
  hs: Float32Array,
  cs: Float32Array | null,
  aux: Float32Array | null,
];

/** What the addon exports (every array length is checked: a wrong one throws a TypeError). */
export interface NativeAddon {
  /**
   * The micro-kernels chosen ('avx512', 'avx2' or 'generic'), the pool's threads, how long a
   * handover between them spins before it sleeps (`RNNKIT_NATIVE_SPIN_US`, microseconds) and the
   * CPU time its workers have used so far (milliseconds; -1 where it cannot be read).
   */
  info(): { isa: string; threads: number; spinUs: number; workersCpuMs: number };
  /** Forces a lower ISA (tests); false when this CPU lacks it. */
  setIsa(name: 'avx512' | 'avx2' | 'generic'): boolean;
  /**
   * c [n, m] = (acc ? c : 0) + op(a) op(b): op(a) [n, k] (a stored [k, n] when transA), op(b)
   * [k, m] (b stored [m, k] when transB).
   */
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
  /** One sequence run forward (`SequenceRun` says what the arguments hold). */
  forward(...run: SequenceRun): void;
  /**
   * Its backward pass: dh, dc [batch, units] from the final states' gradients to the initial
   * ones'; dZ [time*batch, g] the recurrent product's gradient (the gates buffer itself for lstm
   * and gru with resetAfter), dZin the input projection's, dR [units, g], dBrec [g] (gru
   * resetAfter: the recurrent bias row).
   */
  backward(
    ...args: [
      ...run: SequenceRun,
      dSeq: Float32Array | null,
      dh: Float32Array,
      dc: Float32Array | null,
      dZ: Float32Array | null,
      dZin: Float32Array,
      dR: Float32Array,
      dBrec: Float32Array | null,
    ]
  ): void;
  /**
   * One Adam update, out (may be w) from w, g, m, v (m and v in place); scalars: b1, b2, 1 - b1,
   * 1 - b2, 1 - b1^t, 1 - b2^t, eps, -lr, keep (float32, as `@rnnkit/training` rounds them).
   */
  adam(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    out: Float32Array,
    scalars: Float32Array,
  ): void;
  /** out [rows, g]: row r = table [features, g]'s row idx[r] (a one-hot input's projection). */
  gatherRows(
    out: Float32Array,
    table: Float32Array,
    idx: Int32Array,
    rows: number,
    g: number,
    features: number,
  ): void;
  /** out [features, g]: row idx[r] += src [rows, g]'s row r, rows in order (its weight gradient). */
  scatterAddRows(
    out: Float32Array,
    src: Float32Array,
    idx: Int32Array,
    rows: number,
    g: number,
    features: number,
  ): void;
  /**
   * The fused softmax head's forward, one pass of the threads over the rows: e [rows, classes]
   * becomes each row's softmax of h [rows, units] w [units, classes] + b (b may be null), zeros for
   * a row whose label is outside [0, classes); returns the sum of -log p(label) (float64).
   */
  headForward(
    h: Float32Array,
    w: Float32Array,
    b: Float32Array | null,
    labels: Int32Array,
    e: Float32Array,
    rows: number,
    units: number,
    classes: number,
  ): number;
  /**
   * Its backward: e becomes (p - onehot) scale in place; dh [rows, units] = e w^T, dw [units,
   * classes] = h^T e, db [classes] the column sums of e.
   */
  headBackward(
    h: Float32Array,
    w: Float32Array,
    e: Float32Array,
    labels: Int32Array,
    dh: Float32Array,
    dw: Float32Array,
    db: Float32Array,
    rows: number,
    units: number,
    classes: number,
    scale: number,
  ): void;
}

/** The addon, or why it did not load. */
export type LoadedNative =
  | { addon: NativeAddon; abi: number; file: string; reason?: undefined }
  | { addon: null; abi: number; file: null; reason: string };

/** Where the binary may be, in the order tried. */
export function nativeCandidates(root = join(__dirname, '..')): string[] {
  return [
    join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'rnnkit_native.napi.node'),
    join(root, 'build', 'Release', 'rnnkit_native.node'),
  ];
}

/** Loads the addon (the first candidate that exists), or says why it cannot. */
export function loadNative(root?: string): LoadedNative {
  const errors: string[] = [];
  for (const file of nativeCandidates(root)) {
    if (!existsSync(file)) continue;
    try {
      return { addon: require(file) as NativeAddon, abi: NATIVE_ABI, file };
    } catch (e) {
      errors.push(`${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  const reason =
    errors.length > 0
      ? `the addon did not load (${errors.join('; ')})`
      : `no binary for ${process.platform}-${process.arch} (no prebuild, and none was built at install: it needs a C++ compiler)`;
  return { addon: null, abi: NATIVE_ABI, file: null, reason };
}
