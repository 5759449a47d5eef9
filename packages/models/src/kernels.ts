/**
 * `@rnnkit/models/kernels`: the speed machinery's internals, for benches and power users. The
 * models do not need them (they run the kernel selected with `setRecurrenceKernel`, exported
 * from the package root); this entry gives the fast recurrence kernel itself and the fused dense
 * heads, to time or compose by hand, the WebAssembly bytecode helpers the SIMD modules are
 * written with (`@rnnkit/training`'s Adam pass uses them), and `simdVariant`: which build of the
 * gate module runs here ('relaxed' where the engine has relaxed SIMD's fused multiply-adds).
 * `recurrenceThreadInfo` says which second thread the kernel uses here (a Node worker, a nested
 * Web Worker, none) and `runHalvesInline` keeps the second halves on this thread (tests: the
 * numbers must not change).
 * Their sources are in `src/fast/`.
 *
 * Neighbours: the folders `cells/`, `layers/`, `topologies/`, `generation/`, `recurrence/`,
 * `artifact/` and `fast/` (see CONTRIBUTING.md).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { denseMatMul, fastRecurrence } from '@rnnkit/models/kernels';
 * const out = fastRecurrence({ cell: 'rnn', x: tf.ones([1, 2, 1]), kernel: tf.ones([1, 1]),
 *   recurrentKernel: tf.ones([1, 1]), bias: null, h0: tf.zeros([1, 1]) });
 * out.sequence.shape;                                      // [1, 2, 1]
 * denseMatMul(out.h, tf.ones([1, 3])).shape;               // [1, 3]
 * ```
 *
 * @packageDocumentation
 */
import './fast/install.js';

export { fastRecurrence } from './fast/fast.js';
export {
  type DenseLoss,
  denseMatMul,
  denseMeanSquaredError,
  denseSoftmaxCrossEntropy,
} from './fast/fast-dense.js';
export { type SimdVariant, simdVariant } from './fast/gates-simd.js';
export { nativeAdam } from './fast/native.js';
export {
  type RecurrenceThreadInfo,
  recurrenceThreadInfo,
  runHalvesInline,
} from './fast/pool.js';
export type { MulAdd, WasmModuleSpec } from './fast/wasm-bytes.js';
export {
  F32X4,
  F32X4_RELAXED,
  hasRelaxedSimd,
  I32_ADD,
  instantiateWasm,
  leb,
  localGet,
  localSet,
  localTee,
  mulAdd,
  simd,
  V128_LOAD,
  V128_STORE,
  wasmModuleBytes,
} from './fast/wasm-bytes.js';
export { ensureWasmSegmentSum } from './layers/segment-sum.js';
