/**
 * One sequence run on the native engine (`@rnnkit/native`, loaded by `native.ts`): the same
 * inputs, outputs, gradients and buffer layouts as `RecurrenceCore` (`fast-core.ts`), so `fast.ts`
 * runs either. The time loops (forward and backward, gates computed on each step's product), the
 * recurrent weight's gradient and the dense products run in C++ on the addon's threads; one-hot
 * and sparse inputs keep the JS row lookups of `fast-input.ts`. Masks are not covered (`nativeFor`
 * sends those runs to the wasm engine).
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts` (wasm) and `native-core.ts` (native); `native.ts` (loads the addon).
 *
 * @example
 * ```ts
 * const addon = nativeFor(false); // null where @rnnkit/native does not load
 * const core = new NativeCore(spec, data, addon); // spec, data: as RecurrenceCore's
 * core.forward().seq; // as RecurrenceCore's, within 1e-5
 * ```
 */
import { giveBuffer, recycleRetired, retire, takeBuffer } from './buffers.js';
import {
  type CoreData,
  type CoreGrads,
  type CoreOutputs,
  CoreRunBase,
  type CoreSpec,
  collectGrads,
  GATES,
  type RecurrenceCore,
  runOutputs,
} from './fast-core.js';
import {
  oneHotColSum,
  oneHotRows,
  processingOrder,
  type SparseRows,
  sparseProject,
  sparseWeightGrad,
  toSparseRows,
} from './fast-input.js';
import { colSum } from './fast-linalg.js';
import type { NativeAddon } from './native-load.js';

/** A sequence run on either engine, as `fast.ts` drives it. */
export type CoreRun = RecurrenceCore | NativeCore;

const CELL_CODE = { rnn: 0, lstm: 1, gru: 2 } as const;
const ACT_CODE = { tanh: 0, relu: 1, linear: 2, sigmoid: 3, hardSigmoid: 4 } as const;

export class NativeCore extends CoreRunBase {
  private readonly data: CoreData;
  private readonly nat: NativeAddon;
  private readonly g: number;
  private readonly rows: number;
  private readonly code: Int32Array;
  private readonly hs: Float32Array;
  private readonly cs: Float32Array | null;
  private readonly aux: Float32Array | null;
  /** [time*batch, g] the input projection, then the gates, then (lstm, gru resetAfter) dZ */
  private gates: Float32Array = new Float32Array(0);
  private bRec: Float32Array | null = null;
  private sparse: SparseRows | null = null;
  /** [time*batch, features] x in processing order (dense inputs only) */
  private xt: Float32Array | null = null;
  private ran = false;
  private consumed = false;
  private dZin: Float32Array | null = null;
  private dR: Float32Array | null = null;
  private dBrec: Float32Array | null = null;
  private dBc: Float32Array | null = null;

  constructor(spec: CoreSpec, data: CoreData, addon: NativeAddon) {
    if (data.mask !== null || data.inputDropout != null || data.recurrentDropout != null) {
      throw new Error('NativeCore: masks and dropout masks run on the wasm engine');
    }
    super(spec, 'NativeCore');
    this.data = data;
    this.nat = addon;
    const { cell, batch, time, units } = spec;
    this.g = GATES[cell] * units;
    this.rows = time * batch;
    this.code = Int32Array.from([
      CELL_CODE[cell as keyof typeof CELL_CODE],
      ACT_CODE[spec.act],
      ACT_CODE[spec.recAct],
      batch,
      time,
      units,
      spec.resetAfter ? 1 : 0,
    ]);
    const states = (time + 1) * batch * units;
    recycleRetired(); // earlier runs on this thread that are done give their buffers back
    this.hs = takeBuffer(states, false);
    this.cs = cell === 'lstm' ? takeBuffer(states, false) : null;
    this.aux = cell === 'gru' ? takeBuffer(this.rows * units, false) : null;
  }

  /** Whether x was dense (not sparse or one-hot), known after forward. */
  get denseInput(): boolean {
    return this.ran && this.sparse === null;
  }

  /** Gives the run's large buffers back for reuse; any later read throws. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const a of [this.hs, this.cs, this.aux, this.gates, this.dZin]) {
      if (a !== null) giveBuffer(a);
    }
  }

  forward(): CoreOutputs {
    this.live();
    const { cell, batch, time, features, units, reverse, resetAfter } = this.spec;
    const { g, rows, hs, cs, aux } = this;
    const { x, kernel, recurrent, bias, h0, c0, ids } = this.data;
    const bu = batch * units;
    if (ids) {
      this.sparse = oneHotRows(ids, batch, time, reverse);
    } else {
      // [time*batch, features], processing order
      const xt = processingOrder(x, batch, time, features, reverse);
      this.sparse = toSparseRows(xt, rows, features);
      if (this.sparse === null) this.xt = xt;
    }
    // [time*batch, g] input projection x K + b_in
    let xp: Float32Array;
    if (this.sparse?.oneHot === true) {
      // row r = (K + b)[id r], gathered on the addon's threads
      let kb = kernel;
      if (bias !== null) {
        kb = new Float32Array(features * g);
        for (let f = 0; f < features; f++)
          for (let j = 0; j < g; j++)
            kb[f * g + j] = (kernel[f * g + j] as number) + (bias[j] as number);
      }
      xp = takeBuffer(rows * g, false);
      this.nat.gatherRows(xp, kb, this.sparse.idx, rows, g, features);
    } else if (this.sparse !== null) {
      xp = sparseProject(this.sparse, kernel, g, bias, takeBuffer(rows * g, false));
    } else {
      xp = takeBuffer(rows * g, false);
      if (bias !== null) for (let r = 0; r < rows; r++) xp.set(bias.subarray(0, g), r * g);
      this.nat.gemm(
        xp,
        this.xt as Float32Array,
        kernel,
        rows,
        features,
        g,
        false,
        false,
        bias !== null,
      );
    }
    this.gates = xp;
    if (cell === 'gru' && resetAfter) {
      this.bRec =
        bias !== null && bias.length === 2 * g ? bias.slice(g, 2 * g) : new Float32Array(g);
    }
    hs.set(h0.subarray(0, bu));
    if (cs !== null) {
      if (c0 !== null) cs.set(c0.subarray(0, bu));
      else cs.fill(0, 0, bu);
    }
    this.nat.forward(this.code, xp, recurrent, this.bRec, hs, cs, aux);
    this.ran = true;
    return runOutputs(hs, cs, batch, time, units);
  }

  /** The backward pass through time (see `RecurrenceCore.backward`). */
  backward(dSeq: Float32Array | null, dhT: Float32Array | null, dcT: Float32Array | null): void {
    this.live();
    if (!this.ran || this.consumed) {
      throw new Error('NativeCore.backward needs a forward pass first, and runs once per forward');
    }
    const { cell, batch, units, resetAfter } = this.spec;
    const { g, rows } = this;
    const bu = batch * units;
    const dh = dhT === null ? new Float32Array(bu) : dhT.slice(0, bu);
    const dc = cell === 'lstm' ? (dcT === null ? new Float32Array(bu) : dcT.slice(0, bu)) : null;
    // lstm and rnn: the input side's gradient is dZ itself (lstm: over the gates, in place)
    const inPlace = cell === 'lstm' || (cell === 'gru' && resetAfter);
    const dZin = cell === 'lstm' ? this.gates : takeBuffer(rows * g, false);
    const dZ = inPlace ? this.gates : cell === 'rnn' ? dZin : null;
    const dR = new Float32Array(units * g);
    const dBrec = cell === 'gru' && resetAfter ? new Float32Array(g) : null;
    this.nat.backward(
      this.code,
      this.gates,
      this.data.recurrent,
      this.bRec,
      this.hs,
      this.cs,
      this.aux,
      dSeq,
      dh,
      dc,
      dZ,
      dZin,
      dR,
      dBrec,
    );
    this.dZin = dZin === this.gates ? null : dZin;
    this.gradIn = dZin;
    this.dR = dR;
    this.dBrec = dBrec;
    this.dh = dh;
    this.dc = dc ?? dh;
    this.consumed = true;
    retire(this); // done once the gradient reads that follow (same synchronous step) have run
  }

  /** dZin: the input projection's gradient [time*batch, g] */
  private gradIn: Float32Array = new Float32Array(0);

  /** All its gradients at once (after backward); `withX`: the x gradient too. */
  grads(withX: boolean): CoreGrads {
    return collectGrads(this, this.data.bias !== null, withX);
  }

  protected projectionGradX(): Float32Array {
    const { features } = this.spec;
    const { g, rows } = this;
    const dxt = new Float32Array(rows * features);
    // [time*batch, g] x K^T [g, features]
    this.nat.gemm(dxt, this.gradIn, this.data.kernel, rows, g, features, false, true, false);
    return dxt;
  }

  protected kernelGrad(): Float32Array {
    const { features } = this.spec;
    const { g, rows } = this;
    if (this.sparse !== null && !this.sparse.oneHot) {
      return sparseWeightGrad(this.sparse, this.gradIn, g, features);
    }
    const dK = new Float32Array(features * g);
    if (this.sparse !== null) {
      this.nat.scatterAddRows(dK, this.gradIn, this.sparse.idx, rows, g, features);
    } else {
      // x^T [features, rows] dZin [rows, g]
      this.nat.gemm(
        dK,
        this.xt as Float32Array,
        this.gradIn,
        features,
        rows,
        g,
        true,
        false,
        false,
      );
    }
    return dK;
  }

  /** [units, g] */
  gradRecurrent(): Float32Array {
    this.live();
    return this.dR as Float32Array;
  }

  /** [g] or [2, g], as the bias (computed once). */
  gradBias(): Float32Array {
    this.live();
    if (this.dBc !== null) return this.dBc;
    const dIn =
      this.sparse?.oneHot === true
        ? oneHotColSum(this.gradKernel(), this.spec.features, this.g)
        : colSum(this.gradIn, this.rows, this.g);
    const bias = this.data.bias;
    if (this.dBrec !== null && bias !== null && bias.length === 2 * this.g) {
      const both = new Float32Array(2 * this.g);
      both.set(dIn);
      both.set(this.dBrec, this.g);
      this.dBc = both;
    } else {
      this.dBc = dIn;
    }
    return this.dBc;
  }
}
