/**
 * The computation of the fast recurrence kernel on plain arrays: forward through time, and the
 * backward pass through time (BPTT) with the weight gradients as a few large products over all
 * steps. No tensors: the same code runs in the op of `fast.ts` and in a worker thread that takes
 * half of the batch (`pool.ts`); matrix products go through `Products` (XNNPACK on the wasm
 * heap, else tfjs ops), except an LSTM's per-step products and recurrent weight gradient, which
 * run on rnnkit's own SIMD GEMM with the gates in the same module where it applies (`gemm-simd.ts`).
 *
 * Buffers are time-major in processing order: step `k` of a `[time * batch, n]` buffer starts at
 * `k * batch * n` (`fast-gates.ts`).
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * const core = new RecurrenceCore(
 *   { cell: 'rnn', batch: 1, time: 2, features: 1, units: 1, resetAfter: false,
 *     reverse: false, act: 'tanh', recAct: 'sigmoid' },
 *   { x: new Float32Array([1, 1]), kernel: new Float32Array([1]),
 *     recurrent: new Float32Array([0]), bias: null, h0: new Float32Array(1), c0: null,
 *     mask: null },
 *   tfProducts,
 * );
 * core.forward().seq; // Float32Array [0.7615941762924194, 0.7615941762924194]
 * ```
 */

import { CELL_TYPES, CELLS, type CellType } from '../cells/index.js';
import type { Cell } from '../recurrence/contract.js';
import { giveBuffer, recycleRetired, retire, takeBuffer } from './buffers.js';
import {
  type GateMasks,
  gateMasks,
  type MaskedWeight,
  maskedProduct,
  maskedProductT,
  maskedProjection,
  maskedProjectionGradX,
  maskedSparse,
  maskedWeightGrad,
  sparseGateProjection,
  sparseGateWeightGrad,
} from './fast-dropout.js';
import {
  type Activation,
  activationFn,
  activationGradFromOutput,
  lstmBackwardStep,
  lstmForwardStep,
  type RecurrentActivation,
  rnnBackwardStep,
  rnnForwardStep,
  type StepShape,
} from './fast-gates.js';
import {
  gruAfterForwardStep,
  gruBackwardH,
  gruBeforeBackwardR,
  gruBeforeForwardGates,
  gruBeforeForwardState,
} from './fast-gru-gates.js';
import {
  oneHotColSum,
  oneHotRows,
  processingOrder,
  type SparseRows,
  sparseProject,
  sparseWeightGrad,
  toSparseRows,
} from './fast-input.js';
import { addSpan, colSum, columns, transposeData } from './fast-linalg.js';
import type { Products } from './fast-wasm.js';
import { type SimdLstm, simdLstmFor } from './gates-simd.js';
import { type GemmLstm, gemmLstmFor } from './gemm-simd.js';

/** Gate count per cell, from the cells' own definitions (`cells/`). */
export const GATES = Object.fromEntries(
  CELL_TYPES.map((c) => [c, CELLS[c].layout.gates]),
) as Readonly<Record<CellType, number>>;

/** Sizes and options of one run (structured-clonable: sent to workers). */
export interface CoreSpec {
  cell: Cell;
  batch: number;
  time: number;
  features: number;
  units: number;
  /** gru only: bias is [2, 3 units] (input row, recurrent row). */
  resetAfter: boolean;
  reverse: boolean;
  act: Activation;
  recAct: RecurrentActivation;
}

/** Inputs of one run, as arrays (structured-clonable). */
export interface CoreData {
  /** [batch, time, features], input order */
  x: Float32Array;
  /** [features, g] */
  kernel: Float32Array;
  /** [units, g] */
  recurrent: Float32Array;
  /** [g], or [2, g] for gru with resetAfter; null without bias */
  bias: Float32Array | null;
  /** [batch, units] */
  h0: Float32Array;
  /** [batch, units] (lstm), or null for zeros */
  c0: Float32Array | null;
  /** [batch, time] 1/0, or null */
  mask: Float32Array | null;
  /**
   * When x is one-hot: its ids [batch, time] (all in [0, features)), read instead of x (which may
   * then be empty).
   */
  ids?: Int32Array | null;
  /**
   * Training with recurrentDropout (Keras's per-gate dropout, `fast-dropout.ts`): gate g's input
   * product reads x * inputDropout[b, g], [batch, k, features] (batch-major, so it splits by rows
   * like x); null or absent: none.
   */
  inputDropout?: Float32Array | null;
  /** Gate g's recurrent product reads h_{t-1} * recurrentDropout[b, g], [batch, k, units]. */
  recurrentDropout?: Float32Array | null;
}

/**
 * A run's gradients after its backward pass, as one half of a batch hands them over: weights (the
 * caller sums the halves), initial states (concatenated), and x when asked (else empty).
 */
export interface CoreGrads {
  kernel: Float32Array;
  recurrent: Float32Array;
  bias: Float32Array;
  h0: Float32Array;
  c0: Float32Array;
  x: Float32Array;
}

/** Outputs of the forward pass. */
export interface CoreOutputs {
  /** [batch, time, units], processing order */
  seq: Float32Array;
  /** [batch, units] */
  h: Float32Array;
  /** [batch, units] (lstm), else null */
  c: Float32Array | null;
}

/**
 * a^T d [p, q] for a [n, p], d [n, q]: a weight gradient over all n = time*batch rows, computed as
 * (d^T a)^T so that XNNPACK packs the smaller operand a (its packing of a [n, q] right operand
 * cost more than transposing d in JS: 36 against 40-57 ms at 256 units, same numbers).
 */
function weightGrad(
  mm: Products,
  a: Float32Array,
  n: number,
  p: number,
  d: Float32Array,
  q: number,
) {
  const dT = transposeData(d, n, q, takeBuffer(n * q, false));
  const prod = mm.mul(dT, q, n, a, p); // copies dT (heap, or a tensor it disposes)
  giveBuffer(dT);
  return transposeData(prod, q, p);
}

/** One sequence run: forward fills the saved state, backward reads it. */
/** What a core that computes gradients one by one offers (this file's and `native-core.ts`'s). */
export interface GradSource {
  readonly spec: CoreSpec;
  gradKernel(): Float32Array;
  gradRecurrent(): Float32Array;
  gradBias(): Float32Array;
  gradH0(): Float32Array;
  gradC0(): Float32Array;
  gradX(): Float32Array;
}

/**
 * A run's outputs from its states hs and cs [(time + 1) * batch, units] (slot k + 1: the state
 * after step k; cs null without a cell state): seq [batch, time, units] in processing order (a
 * reused buffer: the caller may give it back, `giveBuffer`), and the final h and c.
 */
export function runOutputs(
  hs: Float32Array,
  cs: Float32Array | null,
  batch: number,
  time: number,
  units: number,
): CoreOutputs {
  const bu = batch * units;
  const seq = takeBuffer(batch * time * units, false);
  for (let k = 0; k < time; k++) {
    for (let b = 0; b < batch; b++) {
      const from = (k + 1) * bu + b * units;
      seq.set(hs.subarray(from, from + units), (b * time + k) * units);
    }
  }
  return { seq, h: hs.slice(time * bu), c: cs === null ? null : cs.slice(time * bu) };
}

/** A core's gradients at once (after backward); `hasBias`: its data has a bias; `withX`: x's too. */
export function collectGrads(core: GradSource, hasBias: boolean, withX: boolean): CoreGrads {
  const empty = new Float32Array(0);
  return {
    kernel: core.gradKernel(),
    recurrent: core.gradRecurrent(),
    bias: hasBias ? core.gradBias() : empty,
    h0: core.gradH0(),
    c0: core.spec.cell === 'lstm' ? core.gradC0() : empty,
    x: withX ? core.gradX() : empty,
  };
}

/**
 * What a sequence run on either engine shares (`RecurrenceCore` here, `NativeCore` in
 * `native-core.ts`): its spec, the guard against reads after its buffers were given back, and the
 * initial states' gradients its backward pass leaves.
 */
export abstract class CoreRunBase {
  readonly spec: CoreSpec;
  /** The engine's class, as the read-after-release error names it. */
  private readonly engine: string;
  protected released = false;
  /** [batch, units] the gradients of h0 and (lstm) c0, set by backward */
  protected dh: Float32Array = new Float32Array(0);
  protected dc: Float32Array = new Float32Array(0);

  constructor(spec: CoreSpec, engine: string) {
    this.spec = spec;
    this.engine = engine;
  }

  protected live(): void {
    if (this.released) {
      throw new Error(
        `${this.engine}: this run gave its buffers back (internal error: read after release)`,
      );
    }
  }

  /** [features, g] the kernel's gradient once computed (a new backward pass clears it) */
  protected dK: Float32Array | null = null;

  /** [batch, time, features], input order. */
  gradX(): Float32Array {
    this.live();
    const { batch, time, features, reverse } = this.spec;
    return processingOrder(this.projectionGradX(), batch, time, features, reverse, true);
  }

  /** [features, g] (computed once: the bias gradient of one-hot inputs reads it) */
  gradKernel(): Float32Array {
    this.live();
    if (this.dK === null) this.dK = this.kernelGrad();
    return this.dK;
  }

  /** [time*batch, features] x's gradient, in processing order (after backward). */
  protected abstract projectionGradX(): Float32Array;

  /** [features, g] the kernel's gradient (after backward). */
  protected abstract kernelGrad(): Float32Array;

  /** [batch, units] */
  gradH0(): Float32Array {
    this.live();
    return this.dh.slice();
  }

  /** [batch, units] (lstm) */
  gradC0(): Float32Array {
    this.live();
    return this.dc.slice();
  }
}

export class RecurrenceCore extends CoreRunBase {
  private readonly data: CoreData;
  private readonly mm: Products;
  private readonly s: StepShape;
  private readonly g: number;
  private readonly rows: number;
  private readonly keep: Uint8Array | null;
  private readonly hs: Float32Array;
  private readonly cs: Float32Array;
  /**
   * [time*batch, g] activated gates, written over the input projection in forward (each step
   * reads a row's pre-activations, then writes its gates in the same places), and over by the
   * pre-activation gradients in backward (LSTM, GRU resetAfter; likewise read, then written).
   */
  private gates: Float32Array = new Float32Array(0);
  /** backward has overwritten the saved gates */
  private consumed = false;
  private readonly aux: Float32Array;
  private sparse: SparseRows | null = null;
  /** With input dropout masks and sparse x: x as each gate reads it (`maskedSparse`). */
  private gateSparse: SparseRows[] | null = null;
  /** [time*batch, features] x in processing order (dense inputs only, for the kernel gradient) */
  private xt: Float32Array | null = null;
  private ran = false;
  /** Per-gate dropout masks on x ([batch, features] each) and on h_{t-1} ([batch, units]). */
  private readonly inMasks: GateMasks | null;
  private readonly recMasks: GateMasks | null;

  constructor(spec: CoreSpec, data: CoreData, mm: Products) {
    super(spec, 'RecurrenceCore');
    this.data = data;
    this.mm = mm;
    const { cell, batch, time, units, reverse } = spec;
    this.g = GATES[cell] * units;
    this.rows = time * batch;
    this.s = {
      batch,
      units,
      act: activationFn(spec.act),
      rec: activationFn(spec.recAct),
      dAct: activationGradFromOutput(spec.act),
      dRec: activationGradFromOutput(spec.recAct),
    };
    // [time*batch] keep flags in processing order (row k*batch + b), or null.
    let keep: Uint8Array | null = null;
    if (data.mask !== null) {
      const m = data.mask;
      keep = new Uint8Array(this.rows);
      for (let k = 0; k < time; k++) {
        const t = reverse ? time - 1 - k : k;
        for (let b = 0; b < batch; b++)
          keep[k * batch + b] = (m[b * time + t] as number) > 0 ? 1 : 0;
      }
    }
    this.keep = keep;
    const k = GATES[cell];
    this.inMasks = gateMasks(data.inputDropout, batch, k, spec.features);
    this.recMasks = gateMasks(data.recurrentDropout, batch, k, units);
    const bu = batch * units;
    recycleRetired(); // earlier runs on this thread that are done give their buffers back
    this.hs = takeBuffer((time + 1) * bu, false); // slot k = h before step k (all written)
    this.cs = cell === 'lstm' ? takeBuffer((time + 1) * bu, false) : new Float32Array(0);
    this.aux = cell === 'gru' ? takeBuffer(this.rows * units, true) : new Float32Array(0); // rh or mh
  }

  /** Buffers of the backward pass, given back with the state. */
  private owned: Float32Array[] = [];

  private own(a: Float32Array): Float32Array {
    this.owned.push(a);
    return a;
  }

  /**
   * Gives this run's large buffers back for reuse (`buffers.ts`): after a forward without the
   * tape, or (through `retire`) once its backward pass and gradient reads are done. Any later read
   * of this run throws.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const a of [this.hs, this.cs, this.gates, this.aux, ...this.owned]) giveBuffer(a);
    this.owned = [];
  }

  /**
   * The LSTM gate steps on WebAssembly SIMD (`gates-simd.ts`, 2.5-3x the JS steps) where they
   * apply (`simdLstmFor`) and there is no mask; else null (the JS steps).
   */
  private simdGates(): SimdLstm | null {
    const { cell, act, recAct, units } = this.spec;
    return this.keep === null ? simdLstmFor(cell, act, recAct, units) : null;
  }

  /**
   * rnnkit's own SIMD GEMM for this LSTM (`gemm-simd.ts`) where it applies: tanh / sigmoid, no
   * recurrent dropout, units a multiple of 8; else null (the products through `Products`).
   */
  private gemm(): GemmLstm | null {
    const { cell, act, recAct, units } = this.spec;
    return this.recMasks === null ? gemmLstmFor(cell, act, recAct, units) : null;
  }

  /**
   * The GEMM with the gates in its module for the step loops too: where the SIMD gate steps apply
   * (no mask) and there are 2+ rows (for one row XNNPACK's products were faster, 0.7x-0.9x:
   * bench/speed/gemm-simd.mjs); else null (the products through `Products`, the gates after them).
   */
  private fusedGemm(): GemmLstm | null {
    return this.spec.batch >= 2 && this.simdGates() !== null ? this.gemm() : null;
  }

  /** w [inner, g] with its gates' dropout masks ([batch, inner] each: `fast-dropout.ts`). */
  private maskedWeight(w: Float32Array, inner: number, masks: GateMasks): MaskedWeight {
    const { cell, units, batch } = this.spec;
    return { w, inner, units, k: GATES[cell], batch, masks };
  }

  /** Whether x was dense (not sparse or one-hot), known after forward. */
  get denseInput(): boolean {
    return this.ran && this.sparse === null;
  }

  /** All its gradients at once (after backward); `withX`: the x gradient too. */
  grads(withX: boolean): CoreGrads {
    return collectGrads(this, this.data.bias !== null, withX);
  }

  forward(): CoreOutputs {
    const { cell, batch, time, features, units, reverse, resetAfter } = this.spec;
    const { s, g, rows, keep, hs, cs, aux, mm } = this;
    const { x, kernel, recurrent, bias, h0, c0, ids } = this.data;
    const bu = batch * units;
    // [time*batch, features], processing order (not made for one-hot ids)
    const xt = ids ? new Float32Array(0) : processingOrder(x, batch, time, features, reverse);
    const bRec = new Float32Array(g); // gru resetAfter: the recurrent bias row
    if (bias !== null && cell === 'gru' && resetAfter) bRec.set(bias.subarray(g, 2 * g));
    // [time*batch, g] input projection x K + b_in
    let xp: Float32Array;
    const inMasks = this.inMasks;
    this.sparse = ids ? oneHotRows(ids, batch, time, reverse) : toSparseRows(xt, rows, features);
    if (this.sparse !== null) {
      const out = takeBuffer(rows * g, false);
      if (inMasks === null) xp = sparseProject(this.sparse, kernel, g, bias, out);
      else {
        // each gate's x, its values times the gate's mask (`fast-dropout.ts`)
        this.gateSparse = maskedSparse(this.sparse, inMasks, batch, features);
        xp = sparseGateProjection(this.gateSparse, kernel, features, units, bias, out);
      }
    } else {
      this.xt = xt;
      xp =
        inMasks === null
          ? mm.mul(xt, rows, features, kernel, g)
          : maskedProjection(
              mm,
              this.maskedWeight(kernel, features, inMasks),
              xt,
              rows,
              takeBuffer(rows * g, false),
            );
      if (bias !== null) {
        for (let r = 0; r < rows; r++) {
          const o = r * g;
          for (let j = 0; j < g; j++) xp[o + j] = (xp[o + j] as number) + (bias[j] as number);
        }
      }
    }
    const gates = cell === 'rnn' ? new Float32Array(0) : xp; // in place, see `gates`
    if (cell === 'rnn') this.own(xp);
    this.gates = gates;
    this.consumed = false;
    hs.set(h0.subarray(0, bu));
    if (cell === 'lstm') {
      if (c0 !== null) cs.set(c0.subarray(0, bu));
      else cs.fill(0, 0, bu);
    }

    const recMasks = this.recMasks;
    const fused = this.fusedGemm();
    if (cell === 'gru' && !resetAfter) {
      const rzr =
        recMasks === null
          ? mm.product(columns(recurrent, units, g, 0, 2 * units), units, 2 * units, batch)
          : maskedProduct(mm, this.maskedWeight(recurrent, units, recMasks), 0, 2);
      const rh = mm.product(columns(recurrent, units, g, 2 * units, units), units, units, batch);
      const hMask = recMasks?.[2] ?? null; // r * (h * mask) before R_h
      for (let k = 0; k < time; k++) {
        const m1 = rzr.run(hs.subarray(k * bu, (k + 1) * bu));
        gruBeforeForwardGates(s, k, xp, m1, hs, gates, aux, hMask);
        const m2 = rh.run(aux.subarray(k * bu, (k + 1) * bu));
        gruBeforeForwardState(s, k, xp, m2, hs, gates, keep);
      }
      rzr.dispose();
      rh.dispose();
    } else if (fused !== null) {
      const run = fused.forward(recurrent, batch, hs, cs);
      for (let k = 0; k < time; k++) run.step(k, xp, hs, cs, gates);
    } else {
      const rec =
        recMasks === null
          ? mm.product(recurrent, units, g, batch)
          : maskedProduct(mm, this.maskedWeight(recurrent, units, recMasks), 0, GATES[cell]);
      const simd = this.simdGates();
      for (let k = 0; k < time; k++) {
        const m = rec.run(hs.subarray(k * bu, (k + 1) * bu));
        if (simd !== null) simd.forward(batch, units, k, xp, m, hs, cs, gates);
        else if (cell === 'lstm') lstmForwardStep(s, k, xp, m, hs, cs, gates, keep);
        else if (cell === 'rnn') rnnForwardStep(s, k, xp, m, hs, keep);
        else gruAfterForwardStep(s, k, xp, m, bRec, hs, gates, aux, keep);
      }
      rec.dispose();
    }
    this.ran = true;
    // Masked steps repeat the previous state, so output k is always the state after step k.
    return runOutputs(hs, cell === 'lstm' ? cs : null, batch, time, units);
  }

  /**
   * The backward pass through time, from dSeq [batch, time, units] (or null: zeros), dhT, dcT
   * [batch, units] (or null) reaching the outputs. The gradients are then read by the grad*
   * methods, each computed only when asked (the x gradient is a large product).
   */
  backward(dSeq: Float32Array | null, dhT: Float32Array | null, dcT: Float32Array | null): void {
    const { cell, batch, time, units, resetAfter } = this.spec;
    const { s, g, rows, keep, hs, cs, gates, aux, mm } = this;
    const { recurrent, bias } = this.data;
    this.live();
    if (!this.ran || this.consumed) {
      throw new Error(
        'RecurrenceCore.backward needs a forward pass first, and runs once per forward',
      );
    }
    const bu = batch * units;
    const dh = dhT === null ? new Float32Array(bu) : dhT.slice(0, bu); // dL/dh_k
    const dc = cell === 'lstm' ? (dcT === null ? new Float32Array(bu) : dcT.slice(0, bu)) : dh;
    const addOutputGrad = (k: number): void => {
      if (dSeq === null) return;
      for (let b = 0; b < batch; b++) addSpan(dh, b * units, dSeq, (b * time + k) * units, units);
    };
    // dh_{k-1} = recurrent part (rows of a product) or the passthrough of a masked row.
    const mergeRecurrent = (k: number, rec: Float32Array, base: Float32Array | null): void => {
      for (let b = 0; b < batch; b++) {
        const masked = keep !== null && keep[k * batch + b] === 0;
        if (masked && base === null) continue; // dh row passes through unchanged
        const o = b * units;
        if (masked) {
          for (let j = 0; j < units; j++) dh[o + j] = (base as Float32Array)[o + j] as number;
        } else if (base === null) {
          dh.set(rec.subarray(o, o + units), o);
        } else {
          for (let j = 0; j < units; j++)
            dh[o + j] = (base[o + j] as number) + (rec[o + j] as number);
        }
      }
    };
    const hPrev = hs.subarray(0, rows * units); // [time*batch, units], h before each step
    const recMasks = this.recMasks;
    // [units, n * w]: the recurrent weight gradient of gate blocks [first, first + n), each w wide
    const gradR = (d: Float32Array, n: number, w: number, first = 0) =>
      maskedWeightGrad(
        (a, p, dd, q) => weightGrad(mm, a, rows, p, dd, q),
        hPrev,
        rows,
        units,
        d,
        n,
        w,
        recMasks,
        batch,
        first,
      );
    // per-step dZ R^T (back through the recurrent masks when there are)
    const productT = () =>
      recMasks === null
        ? mm.product(transposeData(recurrent, units, g), g, units, batch)
        : maskedProductT(mm, this.maskedWeight(recurrent, units, recMasks), 0, GATES[cell]);
    let dZin: Float32Array; // [time*batch, g], gradient of the input projection (x K + b_in)
    let dR: () => Float32Array; // [units, g], the recurrent kernel's gradient
    let dBias: () => Float32Array;

    const fused = this.fusedGemm();
    if (cell === 'gru' && !resetAfter) {
      const rzrT =
        recMasks === null
          ? mm.product(
              transposeData(columns(recurrent, units, g, 0, 2 * units), units, 2 * units),
              2 * units,
              units,
              batch,
            )
          : maskedProductT(mm, this.maskedWeight(recurrent, units, recMasks), 0, 2);
      const hMask = recMasks?.[2] ?? null;
      const rhT = mm.product(
        transposeData(columns(recurrent, units, g, 2 * units, units), units, units),
        units,
        units,
        batch,
      );
      const dZzr = this.own(takeBuffer(rows * 2 * units, false));
      const dAh = this.own(takeBuffer(rows * units, false));
      const dhp = new Float32Array(bu);
      for (let k = time - 1; k >= 0; k--) {
        addOutputGrad(k);
        gruBackwardH(s, k, dh, hs, gates, null, dZzr, dAh, dhp, keep);
        const drh = rhT.run(dAh.subarray(k * bu, (k + 1) * bu));
        gruBeforeBackwardR(s, k, drh, hs, gates, dZzr, dhp, keep, hMask);
        mergeRecurrent(k, rzrT.run(dZzr.subarray(k * 2 * bu, (k + 1) * 2 * bu)), dhp);
      }
      rzrT.dispose();
      rhT.dispose();
      const dz = this.own(takeBuffer(rows * g, false));
      for (let r = 0; r < rows; r++) {
        dz.set(dZzr.subarray(r * 2 * units, (r + 1) * 2 * units), r * g);
        dz.set(dAh.subarray(r * units, (r + 1) * units), r * g + 2 * units);
      }
      dZin = dz;
      dR = () => {
        // columns of dR: [z r] from h_{k-1}, [h] from r * h_{k-1}
        const zr = gradR(dZzr, 2, units);
        const h = weightGrad(mm, aux, rows, units, dAh, units);
        const out = new Float32Array(units * g);
        for (let r = 0; r < units; r++) {
          out.set(zr.subarray(r * 2 * units, (r + 1) * 2 * units), r * g);
          out.set(h.subarray(r * units, (r + 1) * units), r * g + 2 * units);
        }
        return out;
      };
      dBias = () => this.inputBiasGrad();
    } else if (cell === 'gru') {
      const rT = productT();
      const dM = gates; // in place: each step reads a row's gates, then writes its gradients
      const dAh = this.own(takeBuffer(rows * units, false));
      const dhp = new Float32Array(bu);
      for (let k = time - 1; k >= 0; k--) {
        addOutputGrad(k);
        gruBackwardH(s, k, dh, hs, gates, aux, dM, dAh, dhp, keep);
        mergeRecurrent(k, rT.run(dM.subarray(k * batch * g, (k + 1) * batch * g)), dhp);
      }
      rT.dispose();
      // The input side differs from dM only in the h block: dAh instead of r * dAh.
      const dz = this.own(takeBuffer(rows * g, false));
      dz.set(dM);
      for (let r = 0; r < rows; r++)
        dz.set(dAh.subarray(r * units, (r + 1) * units), r * g + 2 * units);
      dZin = dz;
      dR = () => gradR(dM, 3, units);
      dBias = () => {
        const dIn = this.inputBiasGrad();
        if (bias === null || bias.length !== 2 * g) return dIn;
        const both = new Float32Array(2 * g);
        both.set(dIn);
        both.set(colSum(dM, rows, g), g);
        return both;
      };
    } else if (fused !== null) {
      // lstm: dZ over the gates, as below; dh = dZ_k R^T and dc stay in the module between steps
      const run = fused.backward(recurrent, batch, dc); // packs R^T itself
      for (let k = time - 1; k >= 0; k--) {
        addOutputGrad(k);
        run.step(k, dh, cs, gates, gates);
      }
      run.finish(dc);
      dZin = gates;
      dR = () => fused.weightGrad(hPrev, rows, gates);
      dBias = () => this.inputBiasGrad();
    } else {
      const simd = this.simdGates();
      const rT = productT();
      // lstm: in place over the gates (each step reads a row's gates, then writes its gradients)
      const dZ = cell === 'lstm' ? gates : this.own(takeBuffer(rows * g, false));
      for (let k = time - 1; k >= 0; k--) {
        addOutputGrad(k);
        if (simd !== null) simd.backward(batch, units, k, dh, dc, cs, gates, dZ);
        else if (cell === 'lstm') lstmBackwardStep(s, k, dh, dc, cs, gates, dZ, keep);
        else rnnBackwardStep(s, k, dh, hs, dZ, keep);
        mergeRecurrent(k, rT.run(dZ.subarray(k * batch * g, (k + 1) * batch * g)), null);
      }
      rT.dispose();
      dZin = dZ;
      const gemm = cell === 'lstm' ? this.gemm() : null;
      dR = () => (gemm !== null ? gemm.weightGrad(hPrev, rows, dZ) : gradR(dZ, GATES[cell], units));
      dBias = () => this.inputBiasGrad();
    }

    this.dZin = dZin;
    this.dK = null;
    this.dR = dR;
    this.dRc = null;
    this.dBc = null;
    this.dBias = dBias;
    this.dh = dh;
    this.dc = dc;
    this.consumed = true; // the saved state may be overwritten: backward runs once per forward
    retire(this); // done once the gradient reads that follow (same synchronous step) have run
  }

  private dZin: Float32Array = new Float32Array(0);
  private dR: () => Float32Array = () => new Float32Array(0);
  private dRc: Float32Array | null = null;
  private dBc: Float32Array | null = null;
  private dBias: () => Float32Array = () => new Float32Array(0);

  protected projectionGradX(): Float32Array {
    const { features } = this.spec;
    const { g, rows, inMasks } = this;
    // [time*batch, g] x [g, features] -> [time*batch, features]
    return inMasks === null
      ? this.mm.mul(this.dZin, rows, g, transposeData(this.data.kernel, features, g), features)
      : maskedProjectionGradX(
          this.mm,
          this.maskedWeight(this.data.kernel, features, inMasks),
          this.dZin,
          rows,
        );
  }

  protected kernelGrad(): Float32Array {
    const { features } = this.spec;
    const { g, rows } = this;
    return this.sparse !== null
      ? this.gateSparse !== null
        ? sparseGateWeightGrad(this.gateSparse, this.dZin, features, this.spec.units)
        : sparseWeightGrad(this.sparse, this.dZin, g, features)
      : maskedWeightGrad(
          (a, p, d, q) => weightGrad(this.mm, a, rows, p, d, q),
          this.xt as Float32Array,
          rows,
          features,
          this.dZin,
          GATES[this.spec.cell],
          this.spec.units,
          this.inMasks,
          this.spec.batch,
        );
  }

  /** [g] column sums of dZin (of the kernel gradient's rows, for one-hot x: far fewer). */
  private inputBiasGrad(): Float32Array {
    if (this.sparse?.oneHot === true && this.gateSparse === null) {
      return oneHotColSum(this.gradKernel(), this.spec.features, this.g);
    }
    return colSum(this.dZin, this.rows, this.g);
  }

  /** [units, g] (computed once) */
  gradRecurrent(): Float32Array {
    this.live();
    if (this.dRc === null) this.dRc = this.dR();
    return this.dRc;
  }

  /** [g] or [2, g], as the bias (computed once). */
  gradBias(): Float32Array {
    this.live();
    if (this.dBc === null) this.dBc = this.dBias();
    return this.dBc;
  }
}
