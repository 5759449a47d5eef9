/**
 * Plugs the speed code into the model: builds the fast implementations of the seam the model code
 * declares (`../fast-seam.ts`: the recurrence kernel, the transpose-free product, the transpose,
 * the SIMD LSTM gates, the fused losses), installs them and selects the fast kernel through
 * `setRecurrenceKernel('default')`. Imported for its effect, once, by the package's entries
 * (`index.ts`, `kernels.ts`) and by the package's test set-up (`test-setup.ts`), nothing else.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * import './fast/install.js';
 * getRecurrenceKernel() === fastRecurrence; // true
 * ```
 */
import { installFast } from '../fast-seam.js';
import { setRecurrenceKernel } from '../recurrence/select.js';
import { fastRecurrence } from './fast.js';
import { denseMatMul } from './fast-dense.js';
import { transposeData } from './fast-linalg.js';
import { fusedHeadLoss } from './fused-head.js';
import { simdLstmFor } from './gates-simd.js';

installFast({
  recurrence: fastRecurrence,
  matMul: denseMatMul,
  transpose: transposeData,
  lstmGates: simdLstmFor,
  fusedHeadLoss,
});
setRecurrenceKernel('default');
