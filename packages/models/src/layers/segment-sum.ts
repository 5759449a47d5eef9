/**
 * The `UnsortedSegmentSum` kernel for tfjs's wasm backend, which lacks it. The
 * gradient of `gather`, so of every trainable `Embedding` layer, is a segment sum: without this
 * kernel an embedding input cannot train on wasm ("Kernel 'UnsortedSegmentSum' not registered for
 * backend 'wasm'"). Registered once, and only where no kernel of that name exists, when an
 * embedding input or a recurrent layer is built (not at import: the package has no import side
 * effects).
 *
 * Same numbers as the cpu backend: each output is its rows summed in row order in float64 and
 * rounded once to float32 (the cpu kernel sums mask * x over all rows in float64; the masked-out
 * rows add zeros).
 *
 * Neighbours in `layers/`: `recurrent.ts` (the recurrent layers over the cells of `cells/`),
 * `recurrent-layer.ts` (their factory), `inputs.ts`, `attention.ts`, the initialisers, and
 * `custom-objects.ts` (what `load` needs to rebuild them).
 *
 * @example
 * ```ts
 * ensureWasmSegmentSum();
 * tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([1, 0, 1], 'int32'), 2);
 * // [[3, 4], [6, 8]] on wasm too
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

/** What the kernel uses of the wasm backend (public methods of `BackendWasm` in tfjs 4). */
interface WasmBackendApi {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(
    shape: number[],
    dtype: tf.DataType,
    memoryOffset?: number,
    values?: Float32Array,
  ): tf.TensorInfo;
}

/** out [numSegments, ...inner] = sum of the rows of x [n, ...inner] with segment id s. */
export function segmentSum(
  x: ArrayLike<number>,
  ids: ArrayLike<number>,
  inner: number,
  numSegments: number,
): Float32Array {
  const acc = new Float64Array(numSegments * inner);
  for (let r = 0; r < ids.length; r++) {
    const s = ids[r] as number;
    if (!(s >= 0 && s < numSegments)) continue; // out-of-range ids contribute nothing, as on cpu
    const o = s * inner;
    const xo = r * inner;
    for (let j = 0; j < inner; j++) acc[o + j] = (acc[o + j] as number) + (x[xo + j] as number);
  }
  return Float32Array.from(acc);
}

const kernelFunc = ({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo => {
  const be = backend as WasmBackendApi;
  const x = inputs.x as tf.TensorInfo;
  const segmentIds = inputs.segmentIds as tf.TensorInfo;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const inner = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
  const out = segmentSum(be.readSync(x.dataId), be.readSync(segmentIds.dataId), inner, numSegments);
  return be.makeOutput(
    [numSegments, ...x.shape.slice(segmentIds.shape.length)],
    x.dtype,
    undefined,
    out,
  );
};

let registered = false;

/** Registers the kernel for 'wasm' unless one exists (idempotent, cheap after the first call). */
export function ensureWasmSegmentSum(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel('UnsortedSegmentSum', 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  });
}
