/**
 * The fast recurrence kernel: the whole sequence is one op on the gradient tape, with its own
 * backward pass through time (BPTT).
 *
 * Forward: project the inputs of every step in one matMul (`[time*batch, features] x [features,
 * k*units]`), then per step one recurrent matMul in tfjs (XNNPACK on wasm keeps the recurrent
 * weight packed across steps) and the gate math on Float32Arrays (`fast-gates.ts`; the LSTM's on
 * WebAssembly SIMD where it applies, `gates-simd.ts`). One-hot inputs given with their ids
 * (`RecurrenceInputs.ids`) are read as the ids (`fast-input.ts`), projected as row lookups.
 * Backward: per step one matMul by the materialised `R^T`, then the weight gradients as a few large
 * matMuls over all steps, written as `(dZ^T A)^T` with explicit transposes because wasm's matMul
 * leaves its fast path for transposed operands (13-34x slower: apps/docs/guide/performance.md).
 *
 * The computation itself is `fast-core.ts` (plain arrays; products on the wasm heap when the wasm
 * backend is active). For large problems on wasm under Node, half of the batch runs in a worker
 * thread (`pool.ts`, `setRecurrenceThreads`): the rows of a batch are independent through
 * time, so each thread runs the recurrence of its rows and the weight gradients are summed. When
 * the model's loss is a softmax over every output of this run (`fused-head.ts` offers it, see
 * `fast-head.ts`), each half also computes its rows' share of that head, and under the gradient
 * tape runs its whole backward pass right after its forward, from its head's gradient (the loss
 * gradient presumed 1, rescaled when the tape's differs: `half-run.ts`): for that run the worker
 * gets one request (and replies three times: forward, head, backward), no sequence crosses
 * threads, and neither thread waits for the other until the weight gradients are summed.
 *
 * The op is registered through the engine's `runKernelFunc`, the primitive `tf.customGrad` is built
 * on, for two reasons customGrad cannot serve: the op has three outputs (sequence, h, c), and the
 * gradient of each input is computed only when the tape asks for it (the input gradient costs a
 * `[time*batch, k*units] x [k*units, features]` matMul, wasted for one-hot inputs).
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * const out = fastRecurrence({ cell: 'rnn', x: tf.ones([1, 2, 1]), kernel: tf.ones([1, 1]),
 *   recurrentKernel: tf.zeros([1, 1]), bias: null, h0: tf.zeros([1, 1]) });
 * out.sequence.arraySync(); // [[[0.7615941762924194], [0.7615941762924194]]]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelsError } from '../errors.js';
import type {
  RecurrenceInputs,
  RecurrenceKernel,
  RecurrenceOutputs,
} from '../recurrence/contract.js';
import { checkRecurrenceInputs, referenceRecurrence } from '../recurrence/reference.js';
import { giveBuffer, takeBuffer } from './buffers.js';
import {
  type CoreData,
  type CoreGrads,
  type CoreOutputs,
  type CoreSpec,
  GATES,
  RecurrenceCore,
} from './fast-core.js';
import { type HeadData, type HeadGrads, SoftmaxHead, takeHead } from './fast-head.js';
import { addInto, allZero } from './fast-linalg.js';
import { heapOf, type Products, productsFor } from './fast-wasm.js';
import { HalfRun, presumedScale, rescale } from './half-run.js';
import { type CoreRun, NativeCore } from './native-core.js';
import { headProducts, nativeFor } from './native-load.js';
import { type RemoteBackward, type RemoteGrads, recurrencePlan, type WorkerJob } from './pool.js';

/** The engine entry point tf.customGrad uses; private in the typings, stable across tfjs 4. */
interface OpEngine {
  runKernelFunc(params: {
    forwardFunc: (backend: unknown, save: (tensors: tf.Tensor[]) => void) => tf.Tensor[];
    backwardsFunc: (dys: tf.Tensor[], saved: tf.Tensor[]) => Record<string, () => tf.Tensor>;
    inputs: Record<string, tf.Tensor>;
  }): tf.Tensor[];
  isTapeOn?: () => boolean;
}

const f32 = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

const internal = (what: string) =>
  new ModelsError(
    'INTERNAL',
    `internal error in the recurrence kernel (please report it): ${what}`,
  );

/**
 * Rows [from, to) of a [batch, ...] array with `per` values per row: a copy (for a message: a
 * view would send its whole buffer), or a view (for this thread).
 */
const rowsOf = <T extends Float32Array | Int32Array>(
  a: T,
  per: number,
  from: number,
  to: number,
  view = false,
): T => (view ? a.subarray(from * per, to * per) : a.slice(from * per, to * per)) as T;

/** [a rows; b rows] (into a reused buffer when `pooled`). */
function concatRows(a: Float32Array, b: Float32Array, pooled = false): Float32Array {
  const out = pooled
    ? takeBuffer(a.length + b.length, false)
    : new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The batch rows [from, to) of a run's inputs (views when `view`, see rowsOf). */
function splitData(spec: CoreSpec, d: CoreData, from: number, to: number, view = false): CoreData {
  const { time, features, units } = spec;
  const k = GATES[spec.cell];
  return {
    x: rowsOf(d.x, time * features, from, to, view),
    kernel: d.kernel,
    recurrent: d.recurrent,
    bias: d.bias,
    h0: rowsOf(d.h0, units, from, to, view),
    c0: d.c0 === null ? null : rowsOf(d.c0, units, from, to, view),
    mask: d.mask === null ? null : rowsOf(d.mask, time, from, to, view),
    ids: d.ids ? rowsOf(d.ids, time, from, to, view) : null,
    inputDropout: d.inputDropout ? rowsOf(d.inputDropout, k * features, from, to, view) : null,
    recurrentDropout: d.recurrentDropout
      ? rowsOf(d.recurrentDropout, k * units, from, to, view)
      : null,
  };
}

/**
 * Keras's per-gate dropout masks [k, batch, width] as `CoreData` holds them, [batch, k, width]
 * (so a batch's rows split like x's); null without masks.
 */
function batchMajor(masks: tf.Tensor3D | undefined): Float32Array | null {
  if (masks === undefined) return null;
  const [k, batch, width] = masks.shape;
  const d = f32(masks);
  const out = new Float32Array(d.length);
  for (let g = 0; g < k; g++) {
    for (let b = 0; b < batch; b++) {
      const from = (g * batch + b) * width;
      out.set(d.subarray(from, from + width), (b * k + g) * width);
    }
  }
  return out;
}

/**
 * The second half of a run on this thread, computed when asked (a worker job's interface), with
 * the worker's numbers: its head's backward runs with the presumed scale and its gradients are
 * rescaled the same way (`half-run.ts`).
 */
function inlineJob(
  spec: CoreSpec,
  data: CoreData,
  mm: Products,
  keep: boolean,
  head: HeadData | null,
  headScale: number,
): WorkerJob {
  const run = new HalfRun(spec, data, mm, head);
  let ratio = 1;
  return {
    forward: () => run.forward(keep),
    headBackward: (scale) => {
      ratio = scale / headScale;
      const grads = run.headBackward(headScale);
      rescale(ratio, grads.w, grads.b);
      return () => grads;
    },
    backward: (dSeq, dhT, dcT) => {
      let grads: RemoteGrads | null = null;
      const all = {
        grads: () => {
          if (grads === null) {
            run.backward(dSeq, dhT, dcT);
            grads = run.core.grads(false); // x when asked (gradX below)
            const { kernel, recurrent, bias, h0, c0 } = grads;
            rescale(ratio, kernel, recurrent, bias, h0, c0);
          }
          return grads;
        },
        gradX: () => {
          all.grads(); // the backward pass first, as the worker runs it
          const dx = run.core.gradX();
          rescale(ratio, dx);
          return dx;
        },
      };
      return all;
    },
  };
}

/** The cells whose steps the fast kernel implements (`fast-core.ts`, `fast-gates.ts`). */
const FAST_CELLS: readonly string[] = ['rnn', 'lstm', 'gru'];

/**
 * The optimised kernel. Same outputs and gradients as `referenceRecurrence` for every option of
 * the contract (masks, goBackwards, every activation, both GRU variants, Keras's per-gate
 * dropout masks: `fast-dropout.ts`).
 */
export const fastRecurrence: RecurrenceKernel = (inputs: RecurrenceInputs): RecurrenceOutputs => {
  const { cell, x, kernel, recurrentKernel, bias, h0 } = inputs;
  // a cell added with registerCell: the reference kernel's tensor steps
  if (!FAST_CELLS.includes(cell)) return referenceRecurrence(inputs);
  // Same shape checks and errors as the reference kernel.
  const [batch, time, features, units] = checkRecurrenceInputs(inputs);
  if (time === 0) {
    throw new ModelsError(
      'BAD_SHAPE',
      'x has 0 time steps, expected at least 1: give sequences of length >= 1',
    );
  }
  const spec: CoreSpec = {
    cell,
    batch,
    time,
    features,
    units,
    resetAfter: cell === 'gru' && (inputs.resetAfter ?? true),
    reverse: inputs.goBackwards ?? false,
    act: inputs.activation ?? 'tanh',
    recAct: inputs.recurrentActivation ?? 'sigmoid',
  };
  const g = GATES[cell] * units;
  const opInputs: Record<string, tf.Tensor> = { x, kernel, recurrentKernel, h0 };
  if (bias !== null) opInputs.bias = bias;
  if (cell === 'lstm' && inputs.c0 != null) opInputs.c0 = inputs.c0;
  const engine = tf.engine() as unknown as OpEngine;
  const tapeOn = engine.isTapeOn?.() ?? true;
  // Rows [0, split) run here, [split, batch) in the worker or here after them (split = batch: one
  // run). The plan fixes the numbers; where the second half runs does not change them.
  // The native engine (`native.ts`) runs the whole batch on its own threads; runs with a mask or
  // Keras's dropout masks stay on this engine (the native one does not implement them).
  const native = nativeFor(
    inputs.mask != null || inputs.inputDropout != null || inputs.recurrentDropout != null,
  );
  const plan = native !== null ? { halves: false, worker: null } : recurrencePlan(spec);
  const split = plan.halves ? Math.ceil(batch / 2) : batch;
  // A softmax head offered with this run's inputs (`head`, from fused-head.ts): the second half
  // computes its rows' part with its run, so those outputs need not cross threads for it; the
  // native engine computes it on its run's output array, not read back from the output tensor.
  const offer = plan.halves || native !== null ? takeHead(inputs.head, batch * time, units) : null;
  const headScale = presumedScale(batch * time);

  let local: CoreRun | null = null;
  let job: WorkerJob | null = null;
  // With a head taken under the tape, this thread runs its half's backward pass inside the forward,
  // as the worker does, before it waits for the worker (the presumed loss-gradient scale,
  // rescaled by `ratio` when the tape's differs: half-run.ts).
  let ahead: { head: HeadGrads; grads: CoreGrads } | null = null;
  let ratio: number | null = null; // set when the head's gradient runs

  // x given with its ids (the one-hot input layer's output): the ids, not the floats
  const ids = inputs.ids?.length === batch * time ? inputs.ids : undefined;
  const forwardFunc = (): tf.Tensor[] => {
    const data: CoreData = {
      x: ids === undefined ? f32(x) : new Float32Array(0),
      ids: ids ?? null,
      kernel: f32(kernel),
      recurrent: f32(recurrentKernel),
      bias: bias === null ? null : f32(bias),
      h0: f32(h0),
      c0: cell === 'lstm' && inputs.c0 != null ? f32(inputs.c0) : null,
      mask: inputs.mask == null ? null : f32(inputs.mask),
      inputDropout: batchMajor(inputs.inputDropout),
      recurrentDropout: batchMajor(inputs.recurrentDropout),
    };
    // The forward products by R use the tensor itself (its packing is cached across calls).
    const mm = productsFor(tf.backend(), { data: data.recurrent, tensor: recurrentKernel });
    let out: CoreOutputs;
    let loss = 0; // of the rows of a head taken
    let remote: WorkerJob | null = null; // the worker's half, when a head taken has one
    if (!plan.halves) {
      local =
        native !== null ? new NativeCore(spec, data, native) : new RecurrenceCore(spec, data, mm);
      out = local.forward();
      if (offer !== null) {
        // the native engine's whole batch (only it takes a head on one run): as a half does
        const head = new SoftmaxHead(
          offer.data,
          out.seq,
          batch * time,
          units,
          headProducts(tf.backend()),
        );
        loss = head.forward();
        if (tapeOn) {
          const headGrads = head.backward(headScale);
          local.backward(head.dh, null, null);
          head.releaseDh();
          ahead = { head: headGrads, grads: local.grads(ids === undefined) };
        }
      }
    } else {
      const mine = { ...spec, batch: split };
      const theirs = { ...spec, batch: batch - split };
      const theirData = splitData(spec, data, split, batch);
      const theirHead: HeadData | null =
        offer === null
          ? null
          : { ...offer.data, labels: offer.data.labels.slice(split * time, batch * time) };
      job =
        plan.worker === null
          ? inlineJob(theirs, theirData, mm, tapeOn, theirHead, headScale)
          : plan.worker.start(theirs, theirData, tapeOn, theirHead, headScale);
      // this half and its head now (and under the tape its backward pass: the worker runs the
      // same calls on its own half), while the worker computes its own
      const mineRun = new HalfRun(
        mine,
        splitData(spec, data, 0, split, true),
        mm,
        offer === null
          ? null
          : { ...offer.data, labels: offer.data.labels.subarray(0, split * time) },
      );
      local = mineRun.core;
      const a = mineRun.forward(tapeOn);
      if (offer !== null && tapeOn) {
        const headGrads = mineRun.headBackward(headScale);
        mineRun.backward(null, null, null); // the head is the only reader of the outputs
        // x's gradient too unless x is one-hot ids (nothing can ask for theirs): this run is
        // retired now, and a later run may take its buffers before the tape reads it
        ahead = { head: headGrads, grads: local.grads(ids === undefined) };
      }
      const b = job.forward();
      loss = a.loss + b.loss;
      remote = job;
      out = {
        seq: concatRows(a.seq, b.seq, true),
        h: concatRows(a.h, b.h),
        c: a.c === null || b.c === null ? null : concatRows(a.c, b.c),
      };
      giveBuffer(a.seq);
      giveBuffer(b.seq);
    }
    if (offer !== null) {
      offer.taken = {
        loss,
        backward: (scale) => {
          if (ahead === null) {
            throw internal(
              'the gradient of a run computed without the gradient tape was asked for',
            );
          }
          ratio = scale / headScale;
          const theirs = remote?.headBackward(scale) ?? null;
          const mine = ahead.head;
          rescale(ratio, mine.w, mine.b);
          if (theirs === null) return mine;
          const other = theirs();
          return { w: addInto(mine.w, other.w), b: addInto(mine.b, other.b) };
        },
      };
    }
    if (!tapeOn) local.release(); // no backward will read this run
    const outs: tf.Tensor[] = [
      tf.tensor3d(out.seq, [batch, time, units]),
      tf.tensor2d(out.h, [batch, units]),
    ];
    if (out.c !== null) outs.push(tf.tensor2d(out.c, [batch, units]));
    // The wasm backend copied the values onto its heap; others (cpu) keep the array itself.
    if (heapOf(tf.backend()) !== null) giveBuffer(out.seq);
    return outs;
  };

  const backwardsFunc = (dys: tf.Tensor[]): Record<string, () => tf.Tensor> => {
    const core = local as CoreRun;
    const dhT = f32(dys[1] as tf.Tensor);
    const dcT = cell === 'lstm' ? f32(dys[2] as tf.Tensor) : null;
    // Run ahead (a head taken): both halves' backward passes ran from their heads' output
    // gradients (the tape's dys[0] is zeros) with no final-state gradient, which must be so.
    const done = ahead?.grads ?? null;
    if (done !== null) {
      if (!allZero(dhT) || (dcT !== null && !allZero(dcT))) {
        throw internal(
          'a run that took a softmax head got a final-state gradient (a layer whose states are read must not be offered the head)',
        );
      }
      if (ratio === null)
        throw internal("a run ahead was differentiated before its head's gradient");
      rescale(ratio, ...Object.values(done));
    }
    const dSeq = done === null ? f32(dys[0] as tf.Tensor) : null;
    // Local rows [0, split); the worker starts on its rows first, so both run at once.
    const remote =
      job === null
        ? null
        : job.backward(
            dSeq === null ? null : rowsOf(dSeq, time * units, split, batch),
            rowsOf(dhT, units, split, batch),
            dcT === null ? null : rowsOf(dcT, units, split, batch),
          );
    const mineOnly = remote === null;
    if (dSeq !== null) {
      core.backward(
        mineOnly ? dSeq : rowsOf(dSeq, time * units, 0, split, true),
        mineOnly ? dhT : rowsOf(dhT, units, 0, split, true),
        dcT === null || mineOnly ? dcT : rowsOf(dcT, units, 0, split, true),
      );
    }
    // All of this thread's gradients (and its x gradient when x is dense: the tape will ask for it)
    // are computed before the first wait for the worker's, so both threads multiply at once (the
    // tape asks for one gradient at a time, x first).
    let ownDone = done !== null;
    let ownX: Float32Array | null = done !== null && done.x.length > 0 ? done.x : null;
    const remoteGrads = (r: RemoteBackward): RemoteGrads => {
      if (!ownDone) {
        ownDone = true;
        core.gradKernel();
        core.gradRecurrent();
        if (bias !== null) core.gradBias();
        if (core.denseInput) ownX = core.gradX();
      }
      return r.grads();
    };
    const both = (mine: Float32Array, key: 'kernel' | 'recurrent' | 'bias'): Float32Array =>
      remote === null ? mine : addInto(mine, remoteGrads(remote)[key]); // theirs are ours to write
    const rows = (mine: Float32Array, key: 'h0' | 'c0'): Float32Array =>
      remote === null ? mine : concatRows(mine, remoteGrads(remote)[key]);
    const grads: Record<string, () => tf.Tensor> = {
      x: () => {
        if (remote !== null) remoteGrads(remote);
        if (done !== null && ownX === null)
          throw internal('the x gradient of one-hot ids was asked for');
        const mine = ownX ?? core.gradX();
        const dx = remote === null ? mine : concatRows(mine, remote.gradX());
        return tf.tensor3d(dx, [batch, time, features]);
      },
      kernel: () => tf.tensor2d(both(done?.kernel ?? core.gradKernel(), 'kernel'), [features, g]),
      recurrentKernel: () =>
        tf.tensor2d(both(done?.recurrent ?? core.gradRecurrent(), 'recurrent'), [units, g]),
      h0: () => tf.tensor2d(rows(done?.h0 ?? core.gradH0(), 'h0'), [batch, units]),
    };
    if (bias !== null)
      grads.bias = () => tf.tensor(both(done?.bias ?? core.gradBias(), 'bias'), bias.shape);
    if (cell === 'lstm' && inputs.c0 != null)
      grads.c0 = () => tf.tensor2d(rows(done?.c0 ?? core.gradC0(), 'c0'), [batch, units]);
    return grads;
  };

  return tf.tidy('FastRecurrence', () => {
    const outs = engine.runKernelFunc({ forwardFunc, backwardsFunc, inputs: opInputs });
    const result: RecurrenceOutputs = {
      sequence: outs[0] as tf.Tensor3D,
      h: outs[1] as tf.Tensor2D,
    };
    if (cell === 'lstm') result.c = outs[2] as tf.Tensor2D;
    return result as unknown as tf.TensorContainer;
  }) as unknown as RecurrenceOutputs;
};
