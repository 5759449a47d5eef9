/**
 * Matrix products on the wasm backend's heap, called straight into its XNNPACK `BatchMatMul`
 * without a tfjs tensor per call: the fast kernel's per-step products ([batch, units] x [units,
 * k*units], 64 per sequence each way) and its weight gradients (an LSTM's, where `gemm-simd.ts`
 * applies, run on rnnkit's own GEMM instead).
 *
 * Through `tf.matMul` each step costs a tensor upload, a kernel dispatch, an output allocation and
 * a `dataSync` copy (with the garbage they leave); here the left operand is copied into a buffer
 * registered once, the product lands in another, and the gate math reads it in place. Uses the
 * backend's internals (`backend.wasm`, `dataIdNextNumber`), stable across tfjs 4; `heapOf` returns null
 * when they are missing (other backends, other versions) and the caller falls back to tfjs ops.
 *
 * The wasm matMul caches its second operand (the packed XNNPACK weights) by tensor id: a buffer
 * whose contents change gets a fresh id (`retag`) before it is used as a second operand again.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * const mm = productsFor(tf.backend()); // the wasm heap's products, else tfjs ops
 * const p = mm.product(new Float32Array([1, 2, 3, 4]), 2, 2, 1); // w [2, 2], left operands [1, 2]
 * p.run(new Float32Array([1, 1])); // Float32Array [4, 6] (on wasm a heap view, valid until the next call)
 * p.dispose();
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

interface WasmModule {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAPF32: Float32Array;
  cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
  tfjs: {
    registerTensor(id: number, size: number, offset: number): void;
    disposeData(id: number): void;
  };
}

interface WasmBackendInternals {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap?: { get(dataId: object): { id: number } | undefined };
}

/** A float32 buffer on the wasm heap, registered as a tensor id the C++ kernels can read. */
export interface HeapBuffer {
  id: number;
  /** Offset in floats into HEAPF32. */
  offset: number;
  size: number;
}

/**
 * The matrix products of the fast kernel. Operands are row-major arrays; no operand is ever
 * transposed inside a product (XNNPACK's fast path needs both plain:
 * apps/docs/guide/performance.md).
 */
export interface Products {
  /** Per-step products by a fixed w [inner, outer], for left operands of `rows` rows. */
  product(w: Float32Array, inner: number, outer: number, rows: number): StepProduct;
  mul: Mul;
}

/** a [n, k] x b [k, m], into `out` when given (else a new array). */
export type Mul = (
  a: Float32Array,
  n: number,
  k: number,
  b: Float32Array,
  m: number,
  out?: Float32Array,
) => Float32Array;

/** A product by a fixed right operand, for many left operands of `rows` rows. */
export interface StepProduct {
  /** a [rows, inner] times the weight: [rows, outer], a heap view valid until the next call. */
  run(a: Float32Array): Float32Array;
  dispose(): void;
}

type BatchMatMulFn = (...args: unknown[]) => void;
const matMulFns = new WeakMap<WasmModule, BatchMatMulFn>();

/** The heap of one wasm backend instance. */
export class WasmHeap implements Products {
  private readonly be: WasmBackendInternals;
  private readonly mm: BatchMatMulFn;

  constructor(be: WasmBackendInternals) {
    this.be = be;
    let fn = matMulFns.get(be.wasm);
    if (fn === undefined) {
      fn = be.wasm.cwrap('BatchMatMul', null, [
        'number',
        'array',
        'number',
        'number',
        'array',
        'number',
        'number',
        'number',
        'number',
      ]);
      matMulFns.set(be.wasm, fn);
    }
    this.mm = fn;
  }

  /** The current heap (a new object after the wasm memory grew). */
  get f32(): Float32Array {
    return this.be.wasm.HEAPF32;
  }

  alloc(size: number): HeapBuffer {
    const ptr = this.be.wasm._malloc(size * 4) >>> 0;
    const buf = { id: this.be.dataIdNextNumber++, offset: ptr >>> 2, size };
    this.be.wasm.tfjs.registerTensor(buf.id, size, ptr);
    return buf;
  }

  /** A fresh id for a buffer whose contents changed (drops XNNPACK's cached packing of it). */
  retag(buf: HeapBuffer): void {
    this.be.wasm.tfjs.disposeData(buf.id);
    buf.id = this.be.dataIdNextNumber++;
    this.be.wasm.tfjs.registerTensor(buf.id, buf.size, buf.offset * 4);
  }

  free(buf: HeapBuffer): void {
    this.be.wasm.tfjs.disposeData(buf.id);
    this.be.wasm._free(buf.offset * 4);
  }

  view(buf: HeapBuffer, size = buf.size): Float32Array {
    return this.be.wasm.HEAPF32.subarray(buf.offset, buf.offset + size);
  }

  /** out [n, m] = a [n, k] x b [k, m], ids of registered buffers or tensors. */
  matMul(aId: number, n: number, k: number, bId: number, m: number, outId: number): void {
    const aShape = new Uint8Array(new Int32Array([1, n, k]).buffer);
    const bShape = new Uint8Array(new Int32Array([1, k, m]).buffer);
    this.mm(aId, aShape, 3, bId, bShape, 3, 0, 0, outId);
  }

  /** Products a [rows, inner] x w [inner, outer] for a fixed w, copied onto the heap once. */
  product(w: Float32Array, inner: number, outer: number, rows: number): StepProduct {
    const a = this.alloc(rows * inner);
    const out = this.alloc(rows * outer);
    const wBuf = this.alloc(inner * outer);
    this.f32.set(w.subarray(0, inner * outer), wBuf.offset);
    return {
      run: (x: Float32Array): Float32Array => {
        this.f32.set(x.subarray(0, rows * inner), a.offset);
        this.matMul(a.id, rows, inner, wBuf.id, outer, out.id);
        return this.view(out); // re-read: the first call may grow the memory (packing)
      },
      dispose: () => {
        this.free(a);
        this.free(out);
        this.free(wBuf);
      },
    };
  }

  /**
   * Products by a weight tensor of this backend, by its id: no copy, and XNNPACK keeps its packing
   * across calls for as long as the tensor lives (a one-step call per token reuses it).
   */
  productOf(w: tf.Tensor2D, rows: number): StepProduct | null {
    const id = this.be.dataIdMap?.get(w.dataId)?.id;
    if (id === undefined || w.dtype !== 'float32') return null;
    const [inner, outer] = w.shape;
    const a = this.alloc(rows * inner);
    const out = this.alloc(rows * outer);
    return {
      run: (x: Float32Array): Float32Array => {
        this.f32.set(x.subarray(0, rows * inner), a.offset);
        this.matMul(a.id, rows, inner, id, outer, out.id);
        return this.view(out);
      },
      dispose: () => {
        this.free(a);
        this.free(out);
      },
    };
  }

  /** a [n, k] x b [k, m] as a new array, or into `into`. */
  readonly mul: Mul = (a, n, k, b, m, into) => {
    const aBuf = this.alloc(n * k);
    const bBuf = this.alloc(k * m);
    const out = this.alloc(n * m);
    this.f32.set(a.subarray(0, n * k), aBuf.offset);
    this.f32.set(b.subarray(0, k * m), bBuf.offset);
    this.matMul(aBuf.id, n, k, bBuf.id, m, out.id);
    const result = into ?? new Float32Array(n * m);
    result.set(this.view(out));
    this.free(aBuf);
    this.free(bBuf);
    this.free(out);
    return result;
  };
}

const heaps = new WeakMap<object, WasmHeap>();

/** The heap of `backend` when it is tfjs's wasm backend with the internals used here, else null. */
export function heapOf(backend: object): WasmHeap | null {
  const cached = heaps.get(backend);
  if (cached !== undefined) return cached;
  const be = backend as Partial<WasmBackendInternals>;
  const w = be.wasm;
  if (
    w == null ||
    typeof w._malloc !== 'function' ||
    typeof w.cwrap !== 'function' ||
    w.tfjs == null ||
    typeof w.tfjs.registerTensor !== 'function' ||
    typeof be.dataIdNextNumber !== 'number'
  ) {
    return null;
  }
  const heap = new WasmHeap(be as WasmBackendInternals);
  heaps.set(backend, heap);
  return heap;
}

/** The same products through tfjs ops on the active backend (any backend). */
export const tfProducts: Products = {
  product(w, inner, outer, rows) {
    const wt = tf.tensor2d(w.subarray(0, inner * outer), [inner, outer]);
    const p = tensorProduct(wt, rows);
    return { run: p.run, dispose: () => wt.dispose() };
  },
  mul(a, n, k, b, m, into) {
    const at = tf.tensor2d(a.subarray(0, n * k), [n, k]);
    const bt = tf.tensor2d(b.subarray(0, k * m), [k, m]);
    const out = tf.matMul(at, bt);
    const data = into ?? new Float32Array(n * m);
    data.set(out.dataSync() as Float32Array);
    tf.dispose([at, bt, out]);
    return data;
  },
};

/** tfjs-op products by a weight tensor (any backend). */
function tensorProduct(w: tf.Tensor2D, rows: number): StepProduct {
  const inner = w.shape[0];
  return {
    run: (a: Float32Array): Float32Array => {
      const at = tf.tensor2d(a.subarray(0, rows * inner), [rows, inner]);
      const out = tf.matMul(at, w);
      const data = out.dataSync() as Float32Array;
      at.dispose();
      out.dispose();
      return data;
    },
    dispose: () => {},
  };
}

/**
 * Heap products on the wasm backend, else tfjs ops. `weight` pairs an array with the tensor it was
 * read from: products by that array use the tensor itself (no copy; on wasm its packing is cached).
 */
export function productsFor(
  backend: object,
  weight?: { data: Float32Array; tensor: tf.Tensor2D },
): Products {
  const base = heapOf(backend) ?? tfProducts;
  if (weight === undefined) return base;
  const heap = heapOf(backend);
  return {
    product: (w, inner, outer, rows) => {
      if (w !== weight.data) return base.product(w, inner, outer, rows);
      return heap?.productOf(weight.tensor, rows) ?? tensorProduct(weight.tensor, rows);
    },
    mul: (a, n, k, b, m, into) => base.mul(a, n, k, b, m, into),
  };
}
