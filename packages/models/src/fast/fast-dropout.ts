/**
 * Keras 3's per-gate dropout in the fast recurrence kernel (training with recurrentDropout > 0,
 * the contract's `inputDropout` and `recurrentDropout`): gate g's input product reads
 * x_t * inMask[g] and its recurrent product h_{t-1} * recMask[g], each mask [batch, width] fixed
 * over the sequence (the layer draws them from its seed: `layers/recurrent.ts`).
 *
 * A product whose left operand is scaled per gate is one product per gate block of the weight:
 * the same multiplications as the unmasked product, in k calls. Going back, gate g's block of
 * the gradient is multiplied by its block's transpose and then by its mask, and the k results
 * summed: dh_{t-1} = sum_g (dZ_g R_g^T) * recMask[g]; a weight block's gradient reads its masked
 * operand: dR_g = (h * recMask[g])^T dZ_g over all steps. The gate math itself does not change.
 *
 * Buffers are time-major in processing order, as everywhere in `fast/`: row r of a
 * [time * batch, n] buffer is sequence r % batch.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * // [batch 1, 2 gates, width 2] masks: gate 0 keeps the second value, gate 1 both (rate 0.5)
 * const masks = gateMasks(new Float32Array([0, 2, 2, 2]), 1, 2, 2);
 * maskRows(new Float32Array([1, 1, 3, 3]), 2, masks![0]!, 1, 2); // Float32Array [0, 2, 0, 6]
 * ```
 */
import { type SparseRows, sparseProject, sparseWeightGrad } from './fast-input.js';
import { columns, transposeData } from './fast-linalg.js';
import type { Products, StepProduct } from './fast-wasm.js';

/** A run's masks by gate: masks[g] is gate g's [batch, width] mask (0 or 1 / (1 - rate)). */
export type GateMasks = readonly Float32Array[];

/**
 * The per-gate masks of a [batch, k, width] array (`CoreData`'s layout, batch-major so that a
 * batch's rows split like x's), or null without one.
 */
export function gateMasks(
  d: Float32Array | null | undefined,
  batch: number,
  k: number,
  width: number,
): GateMasks | null {
  if (d == null) return null;
  return Array.from({ length: k }, (_, g) => {
    const m = new Float32Array(batch * width);
    for (let b = 0; b < batch; b++) {
      const from = (b * k + g) * width;
      m.set(d.subarray(from, from + width), b * width);
    }
    return m;
  });
}

/** The rows of a [rows, width] buffer times their sequence's mask (row r: mask row r % batch). */
export function maskRows(
  a: Float32Array,
  rows: number,
  mask: Float32Array,
  batch: number,
  width: number,
  out: Float32Array = new Float32Array(rows * width),
): Float32Array {
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    const mo = (r % batch) * width;
    for (let j = 0; j < width; j++) out[o + j] = (a[o + j] as number) * (mask[mo + j] as number);
  }
  return out;
}

/** Writes `block` [rows, width] into columns [from, from + width) of `out` [rows, cols]. */
function setColumns(
  out: Float32Array,
  rows: number,
  cols: number,
  from: number,
  block: Float32Array,
  width: number,
): void {
  for (let r = 0; r < rows; r++)
    out.set(block.subarray(r * width, (r + 1) * width), r * cols + from);
}

/** Gate block `gate` of a [inner, n * width] weight: [inner, width]. */
const blockOf = (w: Float32Array, inner: number, n: number, width: number, gate: number) =>
  columns(w, inner, n * width, gate * width, width);

/**
 * A weight w [inner, k * units] whose gate block g multiplies a * masks[g], a [rows, inner] (rows
 * time-major: row r is sequence r % batch): the input kernel K (inner = features) or the recurrent
 * kernel R (inner = units).
 */
export interface MaskedWeight {
  w: Float32Array;
  inner: number;
  units: number;
  /** Gate blocks of w. */
  k: number;
  batch: number;
  /** [batch, inner] per gate */
  masks: GateMasks;
}

/**
 * Per-step products by the gate blocks [first, first + n) of R, each its own [units, units]
 * weight (transposed when `transpose`), and the block indices.
 */
function blockProducts(
  mm: Products,
  { w, units, k, batch }: MaskedWeight,
  first: number,
  n: number,
  transpose: boolean,
) {
  const gates = Array.from({ length: n }, (_, i) => first + i);
  const prods = gates.map((g) => {
    const b = blockOf(w, units, k, units, g);
    return mm.product(transpose ? transposeData(b, units, units) : b, units, units, batch);
  });
  const dispose = () => {
    for (const p of prods) p.dispose();
  };
  return { gates, prods, dispose };
}

/** A per-step product by the gate blocks [first, first + n) of a masked recurrent kernel. */
type MaskedStep = (mm: Products, w: MaskedWeight, first: number, n: number) => StepProduct;

/** The per-step products h R_g of the gate blocks [first, first + n): [batch, n * units]. */
export const maskedProduct: MaskedStep = (mm, w, first, n) => {
  const { units, batch, masks } = w;
  const { gates, prods, dispose } = blockProducts(mm, w, first, n, false);
  const a = new Float32Array(batch * units);
  const out = new Float32Array(batch * n * units);
  return {
    run: (h) => {
      gates.forEach((g, i) => {
        const ha = maskRows(h, batch, masks[g] as Float32Array, batch, units, a);
        setColumns(out, batch, n * units, i * units, (prods[i] as StepProduct).run(ha), units);
      });
      return out;
    },
    dispose,
  };
};

/**
 * The per-step products back through `maskedProduct`: for dZ [batch, n * units] (the gradient of
 * its output), sum_i (dZ_i R_{first+i}^T) * masks[first + i], the gradient reaching h [batch, units].
 */
export const maskedProductT: MaskedStep = (mm, w, first, n) => {
  const { units, batch, masks } = w;
  const { gates, prods, dispose } = blockProducts(mm, w, first, n, true);
  const a = new Float32Array(batch * units);
  const out = new Float32Array(batch * units);
  return {
    run: (dZ) => {
      out.fill(0);
      gates.forEach((g, i) => {
        const dz = columns(dZ, batch, n * units, i * units, units, a);
        const p = (prods[i] as StepProduct).run(dz);
        const m = masks[g] as Float32Array;
        for (let j = 0; j < out.length; j++)
          out[j] = (out[j] as number) + (p[j] as number) * (m[j] as number);
      });
      return out;
    },
    dispose,
  };
};

/**
 * A weight gradient a^T d over all rows, gate block by gate block when masks scale a per gate:
 * block i of the result [p, n * w] is (a * masks[first + i])^T d_i, for a [rows, p] (masks
 * [batch, p]) and d [rows, n * w]. `grad(a, p, d, w)` is the plain gradient a^T d, d [rows, w].
 */
export function maskedWeightGrad(
  grad: (a: Float32Array, p: number, d: Float32Array, w: number) => Float32Array,
  a: Float32Array,
  rows: number,
  p: number,
  d: Float32Array,
  n: number,
  w: number,
  masks: GateMasks | null,
  batch: number,
  first = 0,
): Float32Array {
  if (masks === null) return grad(a, p, d, n * w);
  const di = new Float32Array(rows * w);
  const blocks = { rows, width: p, batch, masks, first, n, outRows: p, w };
  return perGateMasked(a, blocks, (am, i) => grad(am, p, columns(d, rows, n * w, i * w, w, di), w));
}

/**
 * The gate-block loop of the masked products: for gates i in [0, n), `a` [rows, width] times its
 * mask masks[first + i] goes through `product`, whose [outRows, w] result is written into
 * columns [i w, (i + 1) w) of `out` [outRows, n w].
 */
function perGateMasked(
  a: Float32Array,
  b: {
    rows: number;
    width: number;
    batch: number;
    masks: GateMasks;
    first: number;
    n: number;
    outRows: number;
    w: number;
  },
  product: (masked: Float32Array, i: number) => Float32Array,
  out: Float32Array = new Float32Array(b.outRows * b.n * b.w),
): Float32Array {
  const am = new Float32Array(b.rows * b.width);
  for (let i = 0; i < b.n; i++) {
    maskRows(a, b.rows, b.masks[b.first + i] as Float32Array, b.batch, b.width, am);
    setColumns(out, b.outRows, b.n * b.w, i * b.w, product(am, i), b.w);
  }
  return out;
}

/**
 * The input projection x K [rows, k * units] with gate g's block reading x * masks[g], for
 * x [rows, features] and K = `w.w` [features, k * units]; no bias.
 */
export function maskedProjection(
  mm: Products,
  { w, inner, units, k, batch, masks }: MaskedWeight,
  x: Float32Array,
  rows: number,
  out: Float32Array,
): Float32Array {
  const blocks = { rows, width: inner, batch, masks, first: 0, n: k, outRows: rows, w: units };
  return perGateMasked(
    x,
    blocks,
    (xm, g) => mm.mul(xm, rows, inner, blockOf(w, inner, k, units, g), units),
    out,
  );
}

/**
 * The gradient reaching x [rows, features] through `maskedProjection`, from dZ [rows, k * units]
 * (the projection's gradient): sum_g (dZ_g K_g^T) * masks[g].
 */
export function maskedProjectionGradX(
  mm: Products,
  { w, inner, units, k, batch, masks }: MaskedWeight,
  dZ: Float32Array,
  rows: number,
): Float32Array {
  const dx = new Float32Array(rows * inner);
  const dz = new Float32Array(rows * units);
  for (let g = 0; g < k; g++) {
    const kT = transposeData(blockOf(w, inner, k, units, g), inner, units);
    const p = mm.mul(columns(dZ, rows, k * units, g * units, units, dz), rows, units, kT, inner);
    const m = masks[g] as Float32Array;
    for (let r = 0; r < rows; r++) {
      const o = r * inner;
      const mo = (r % batch) * inner;
      for (let j = 0; j < inner; j++)
        dx[o + j] = (dx[o + j] as number) + (p[o + j] as number) * (m[mo + j] as number);
    }
  }
  return dx;
}

/**
 * Sparse x (one-hot ids, or x sparse enough: `fast-input.ts`) as each gate reads it, the values
 * times that gate's mask, the dropped ones left out: one `SparseRows` per gate (never one-hot: the
 * values are 1 / (1 - rate) and rows may be empty), so the projection and the kernel gradient
 * stay sparse.
 */
export function maskedSparse(
  x: SparseRows,
  masks: GateMasks,
  batch: number,
  features: number,
): SparseRows[] {
  return masks.map((m) => {
    const start = new Int32Array(x.rows + 1);
    const idx = new Int32Array(x.idx.length);
    const val = new Float32Array(x.val.length);
    let kept = 0;
    for (let r = 0; r < x.rows; r++) {
      start[r] = kept;
      const mo = (r % batch) * features;
      for (let n = x.start[r] as number; n < (x.start[r + 1] as number); n++) {
        const f = x.idx[n] as number;
        const v = (x.val[n] as number) * (m[mo + f] as number);
        if (v === 0) continue;
        idx[kept] = f;
        val[kept++] = v;
      }
    }
    start[x.rows] = kept;
    return { rows: x.rows, start, idx, val, oneHot: false };
  });
}

/** x K + b [rows, k * units] from the gates' sparse x (`maskedSparse`), K [features, k * units]. */
export function sparseGateProjection(
  xs: readonly SparseRows[],
  K: Float32Array,
  features: number,
  units: number,
  bias: Float32Array | null,
  out: Float32Array,
): Float32Array {
  const k = xs.length;
  const block = new Float32Array((xs[0]?.rows ?? 0) * units);
  xs.forEach((x, g) => {
    const b = bias === null ? null : bias.subarray(g * units, (g + 1) * units);
    sparseProject(x, blockOf(K, features, k, units, g), units, b, block);
    setColumns(out, x.rows, k * units, g * units, block, units);
  });
  return out;
}

/** The kernel gradient [features, k * units] from the gates' sparse x and dZ [rows, k * units]. */
export function sparseGateWeightGrad(
  xs: readonly SparseRows[],
  dZ: Float32Array,
  features: number,
  units: number,
): Float32Array {
  const k = xs.length;
  const out = new Float32Array(features * k * units);
  const d = new Float32Array((xs[0]?.rows ?? 0) * units);
  xs.forEach((x, g) => {
    columns(dZ, x.rows, k * units, g * units, units, d);
    setColumns(out, features, k * units, g * units, sparseWeightGrad(x, d, units, features), units);
  });
  return out;
}
