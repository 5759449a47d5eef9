/**
 * One half of a batch's recurrence run, as the worker thread (`worker.ts`) and this
 * thread (when no worker runs it) compute it: the run, then, when it was offered one, the softmax
 * head on its outputs (`fast-head.ts`), whose output gradient its backward pass then starts from.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * const run = new HalfRun(spec, data, tfProducts, head); // head: its rows' labels, or null
 * run.forward(true).loss; // its rows' loss sum (0 without a head)
 * run.headBackward(1 / rows); // the head's weight gradients over its rows
 * run.backward(null, dhT, dcT); // from the head's output gradient
 * run.core.grads(false);
 * ```
 */

import type { HeadData, HeadGrads } from '../recurrence/contract.js';
import { type CoreData, type CoreOutputs, type CoreSpec, RecurrenceCore } from './fast-core.js';
import { SoftmaxHead } from './fast-head.js';
import type { Products } from './fast-wasm.js';

/** A half's forward outputs, and the loss sum of its rows when it ran a head (else 0). */
export interface HalfOutputs extends CoreOutputs {
  loss: number;
}

/**
 * The loss-gradient scale a half's head backward runs with before the tape gives the real one
 * (the worker runs its whole backward pass right after its forward): the mean over all `rows`
 * output rows of the run with a loss gradient of 1, what training gives. Every gradient of a half
 * is linear in that scale, so for another scale they are multiplied by actual / presumed
 * (`rescale`), the same way wherever the half ran.
 */
export const presumedScale = (rows: number): number => 1 / rows;

/** Multiplies the arrays by `ratio` in place (nothing to do when it is 1). */
export function rescale(ratio: number, ...arrays: Float32Array[]): void {
  if (ratio === 1) return;
  for (const a of arrays) for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) * ratio;
}

export class HalfRun {
  readonly core: RecurrenceCore;
  private readonly spec: CoreSpec;
  private readonly mm: Products;
  private readonly headData: HeadData | null;
  private head: SoftmaxHead | null = null;

  constructor(spec: CoreSpec, data: CoreData, mm: Products, head: HeadData | null) {
    this.spec = spec;
    this.mm = mm;
    this.headData = head;
    this.core = new RecurrenceCore(spec, data, mm);
  }

  /** The run and its head; keep: a backward may follow (else its buffers are given back). */
  forward(keep: boolean): HalfOutputs {
    const out = this.core.forward();
    let loss = 0;
    if (this.headData !== null) {
      const { batch, time, units } = this.spec;
      this.head = new SoftmaxHead(this.headData, out.seq, batch * time, units, this.mm);
      loss = this.head.forward();
    }
    if (!keep) {
      this.core.release();
      this.head = null;
    }
    return { ...out, loss };
  }

  /** The head's weight gradients over these rows; keeps its output gradient for `backward`. */
  headBackward(scale: number): HeadGrads {
    if (this.head === null) throw new Error('HalfRun: no head to differentiate');
    return this.head.backward(scale);
  }

  /** The run's backward pass; dSeq null: from the head's output gradient. */
  backward(dSeq: Float32Array | null, dhT: Float32Array | null, dcT: Float32Array | null): void {
    const d = dSeq ?? this.head?.dh ?? null;
    if (d === null) throw new Error('HalfRun: backward from a head that has not run backward');
    this.core.backward(d, dhT, dcT);
    if (dSeq === null) this.head?.releaseDh();
    this.head = null;
  }
}
