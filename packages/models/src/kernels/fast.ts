/**
 * The fast recurrence kernel: the whole sequence is one op on the gradient tape, with its own
 * backward pass through time (BPTT).
 *
 * Forward: project the inputs of every step in one matMul (`[time*batch, features] x [features,
 * k*units]`), then per step one recurrent matMul in tfjs (XNNPACK on wasm keeps the recurrent weight
 * packed across steps) and the gate math in JS on Float32Arrays (`fast-gates.ts`). Backward: per step
 * one matMul by the materialised `R^T`, then the weight gradients as a few large matMuls over all
 * steps, written as `(dZ^T A)^T` with explicit transposes because wasm's matMul leaves its fast path
 * for transposed operands (13-34x slower, PERF-NOTES.md).
 *
 * The op is registered through the engine's `runKernelFunc`, the primitive `tf.customGrad` is built
 * on, for two reasons customGrad cannot serve: the op has three outputs (sequence, h, c), and the
 * gradient of each input is computed only when the tape asks for it (the input gradient costs a
 * `[time*batch, k*units] x [k*units, features]` matMul, wasted for one-hot inputs).
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
import {
  activationFn,
  activationGradFromOutput,
  lstmBackwardStep,
  lstmForwardStep,
  rnnBackwardStep,
  rnnForwardStep,
  type StepShape,
} from './fast-gates.js';
import {
  gruAfterBackwardStep,
  gruAfterForwardStep,
  gruBeforeBackwardH,
  gruBeforeBackwardR,
  gruBeforeForwardGates,
  gruBeforeForwardState,
} from './fast-gru-gates.js';
import { type SparseRows, sparseProject, sparseWeightGrad, toSparseRows } from './fast-input.js';
import { colSum, columns, transposeData, transposed, weightGradT } from './fast-linalg.js';
import type { RecurrenceInputs, RecurrenceKernel, RecurrenceOutputs } from './recurrence.js';
import { checkRecurrenceInputs } from './reference.js';

/** The engine entry point tf.customGrad uses; private in the typings, stable across tfjs 4. */
interface OpEngine {
  runKernelFunc(params: {
    forwardFunc: (backend: unknown, save: (tensors: tf.Tensor[]) => void) => tf.Tensor[];
    backwardsFunc: (dys: tf.Tensor[], saved: tf.Tensor[]) => Record<string, () => tf.Tensor>;
    inputs: Record<string, tf.Tensor>;
  }): tf.Tensor[];
}

/** One matMul of a JS buffer [rows, cols] by a weight tensor, read back into JS. */
function stepMatMul(a: Float32Array, rows: number, cols: number, w: tf.Tensor2D): Float32Array {
  const at = tf.tensor2d(a, [rows, cols]);
  const out = tf.matMul(at, w);
  const data = out.dataSync() as Float32Array;
  at.dispose();
  out.dispose();
  return data;
}

/** Gate count per cell. */
const GATES = { rnn: 1, lstm: 4, gru: 3 } as const;

/**
 * The optimised kernel. Same outputs and gradients as `referenceRecurrence` for every option of
 * the contract (masks, goBackwards, every activation, both GRU variants).
 */
export const fastRecurrence: RecurrenceKernel = (inputs: RecurrenceInputs): RecurrenceOutputs => {
  const { cell, x, kernel, recurrentKernel, bias, h0 } = inputs;
  // Same shape checks and errors as the reference kernel.
  const [batch, time, features, units] = checkRecurrenceInputs(inputs);
  if (time === 0) {
    throw new ModelsError(
      'BAD_SHAPE',
      'x has 0 time steps, expected at least 1: give sequences of length >= 1',
    );
  }
  const g = GATES[cell] * units;
  const resetAfter = cell === 'gru' && (inputs.resetAfter ?? true);
  const reverse = inputs.goBackwards ?? false;
  const act = inputs.activation ?? 'tanh';
  const recAct = inputs.recurrentActivation ?? 'sigmoid';
  const s: StepShape = {
    batch,
    units,
    act: activationFn(act),
    rec: activationFn(recAct),
    dAct: activationGradFromOutput(act),
    dRec: activationGradFromOutput(recAct),
  };
  const bu = batch * units;
  const rows = time * batch;
  // [time*batch] keep flags in processing order (row k*batch + b), or null.
  let keep: Uint8Array | null = null;
  if (inputs.mask != null) {
    const m = inputs.mask.dataSync();
    keep = new Uint8Array(rows);
    for (let k = 0; k < time; k++) {
      const t = reverse ? time - 1 - k : k;
      for (let b = 0; b < batch; b++) keep[k * batch + b] = (m[b * time + t] as number) > 0 ? 1 : 0;
    }
  }
  const opInputs: Record<string, tf.Tensor> = { x, kernel, recurrentKernel, h0 };
  if (bias !== null) opInputs.bias = bias;
  if (cell === 'lstm' && inputs.c0 != null) opInputs.c0 = inputs.c0;

  // Filled by the forward pass, read by the backward pass.
  const hs = new Float32Array((time + 1) * bu); // [(time+1)*batch, units], slot k = h before step k
  const cs = cell === 'lstm' ? new Float32Array((time + 1) * bu) : new Float32Array(0);
  const gates = cell === 'rnn' ? new Float32Array(0) : new Float32Array(rows * g);
  const aux = cell === 'gru' ? new Float32Array(rows * units) : new Float32Array(0); // rh or mh

  const bRec = new Float32Array(g); // gru resetAfter: the recurrent bias row
  let sparse: SparseRows | null = null; // x in processing order, when sparse enough

  const forwardFunc = (_backend: unknown, save: (tensors: tf.Tensor[]) => void): tf.Tensor[] => {
    // [time*batch, features], processing order (reordered in JS: see transposeData)
    const xData = x.dataSync();
    const xtData = new Float32Array(rows * features);
    for (let k = 0; k < time; k++) {
      const t = reverse ? time - 1 - k : k;
      for (let b = 0; b < batch; b++) {
        const from = (b * time + t) * features;
        xtData.set(xData.subarray(from, from + features), (k * batch + b) * features);
      }
    }
    const biasData = bias === null ? null : (bias.dataSync() as Float32Array);
    if (biasData !== null && bias?.rank === 2) bRec.set(biasData.subarray(g, 2 * g));
    // [time*batch, g] input projection x K + b_in
    let xp: Float32Array;
    sparse = toSparseRows(xtData, rows, features);
    if (sparse !== null) {
      xp = sparseProject(sparse, kernel.dataSync() as Float32Array, g, biasData);
      save([kernel, recurrentKernel]);
    } else {
      const xt = tf.tensor2d(xtData, [rows, features]);
      xp = tf.matMul(xt, kernel).dataSync() as Float32Array;
      if (biasData !== null) {
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < g; j++)
            xp[r * g + j] = (xp[r * g + j] as number) + (biasData[j] as number);
        }
      }
      save([kernel, recurrentKernel, xt]);
    }
    hs.set(h0.dataSync());
    if (cell === 'lstm' && inputs.c0 != null) cs.set(inputs.c0.dataSync()); // else zeros

    if (cell === 'gru' && !resetAfter) {
      const rData = recurrentKernel.dataSync() as Float32Array;
      const rzr = tf.tensor2d(columns(rData, units, g, 0, 2 * units), [units, 2 * units]);
      const rh = tf.tensor2d(columns(rData, units, g, 2 * units, units), [units, units]);
      for (let k = 0; k < time; k++) {
        const m1 = stepMatMul(hs.subarray(k * bu, (k + 1) * bu), batch, units, rzr);
        gruBeforeForwardGates(s, k, xp, m1, hs, gates, aux);
        const m2 = stepMatMul(aux.subarray(k * bu, (k + 1) * bu), batch, units, rh);
        gruBeforeForwardState(s, k, xp, m2, hs, gates, keep);
      }
    } else {
      for (let k = 0; k < time; k++) {
        const m = stepMatMul(hs.subarray(k * bu, (k + 1) * bu), batch, units, recurrentKernel);
        if (cell === 'lstm') lstmForwardStep(s, k, xp, m, hs, cs, gates, keep);
        else if (cell === 'rnn') rnnForwardStep(s, k, xp, m, hs, keep);
        else gruAfterForwardStep(s, k, xp, m, bRec, hs, gates, aux, keep);
      }
    }
    // Masked steps repeat the previous state, so output k is always the state after step k.
    const seq = new Float32Array(batch * time * units); // [batch, time, units], processing order
    for (let k = 0; k < time; k++) {
      for (let b = 0; b < batch; b++) {
        const from = (k + 1) * bu + b * units;
        seq.set(hs.subarray(from, from + units), (b * time + k) * units);
      }
    }
    const outs: tf.Tensor[] = [
      tf.tensor3d(seq, [batch, time, units]),
      tf.tensor2d(hs.slice(time * bu), [batch, units]),
    ];
    if (cell === 'lstm') outs.push(tf.tensor2d(cs.slice(time * bu), [batch, units]));
    return outs;
  };

  const backwardsFunc = (dys: tf.Tensor[], saved: tf.Tensor[]): Record<string, () => tf.Tensor> => {
    const [kern, rk, xt] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
    const dSeq = (dys[0] as tf.Tensor).dataSync() as Float32Array;
    const dh = new Float32Array((dys[1] as tf.Tensor).dataSync()); // [batch, units], dL/dh_k
    const dc = cell === 'lstm' ? new Float32Array((dys[2] as tf.Tensor).dataSync()) : dh;
    const addOutputGrad = (k: number): void => {
      for (let b = 0; b < batch; b++) {
        const o = (b * time + k) * units;
        for (let j = 0; j < units; j++) {
          dh[b * units + j] = (dh[b * units + j] as number) + (dSeq[o + j] as number);
        }
      }
    };
    // dh_{k-1} = recurrent part (rows of a matMul) or the passthrough of a masked row.
    const mergeRecurrent = (k: number, rec: Float32Array, base: Float32Array | null): void => {
      for (let b = 0; b < batch; b++) {
        const masked = keep !== null && keep[k * batch + b] === 0;
        if (masked && base === null) continue; // dh row passes through unchanged
        const o = b * units;
        for (let j = 0; j < units; j++) {
          dh[o + j] =
            (base === null ? 0 : (base[o + j] as number)) + (masked ? 0 : (rec[o + j] as number));
        }
      }
    };

    const hPrev = tf.tensor2d(hs.subarray(0, rows * units), [rows, units]);
    let dZin: Float32Array; // [time*batch, g], gradient of the input projection (x K + b_in)
    let dRT: () => Float32Array; // [g, units], the recurrent kernel's gradient transposed
    let dBias: () => tf.Tensor;

    if (cell === 'gru' && !resetAfter) {
      const rData = rk.dataSync() as Float32Array;
      const rzrT = tf.tensor2d(
        transposeData(columns(rData, units, g, 0, 2 * units), units, 2 * units),
        [2 * units, units],
      );
      const rhT = tf.tensor2d(
        transposeData(columns(rData, units, g, 2 * units, units), units, units),
        [units, units],
      );
      const dZzr = new Float32Array(rows * 2 * units);
      const dAh = new Float32Array(rows * units);
      const dhp = new Float32Array(bu);
      for (let k = time - 1; k >= 0; k--) {
        addOutputGrad(k);
        gruBeforeBackwardH(s, k, dh, hs, gates, dZzr, dAh, dhp, keep);
        const drh = stepMatMul(dAh.subarray(k * bu, (k + 1) * bu), batch, units, rhT);
        gruBeforeBackwardR(s, k, drh, hs, gates, dZzr, dhp, keep);
        const zr = dZzr.subarray(k * 2 * bu, (k + 1) * 2 * bu);
        mergeRecurrent(k, stepMatMul(zr, batch, 2 * units, rzrT), dhp);
      }
      const dz = new Float32Array(rows * g);
      for (let r = 0; r < rows; r++) {
        dz.set(dZzr.subarray(r * 2 * units, (r + 1) * 2 * units), r * g);
        dz.set(dAh.subarray(r * units, (r + 1) * units), r * g + 2 * units);
      }
      dZin = dz;
      dRT = () => {
        // rows of dR^T: [z r] from h_{k-1}, [h] from r * h_{k-1}
        const out = new Float32Array(g * units);
        out.set(weightGradT(hPrev, dZzr, rows, 2 * units));
        out.set(weightGradT(tf.tensor2d(aux, [rows, units]), dAh, rows, units), 2 * units * units);
        return out;
      };
      dBias = () => tf.tensor1d(colSum(dz, rows, g));
    } else if (cell === 'gru') {
      const rT = transposed(rk);
      const dM = new Float32Array(rows * g);
      const dAh = new Float32Array(rows * units);
      const dhp = new Float32Array(bu);
      for (let k = time - 1; k >= 0; k--) {
        addOutputGrad(k);
        gruAfterBackwardStep(s, k, dh, hs, gates, aux, dM, dAh, dhp, keep);
        const dMk = dM.subarray(k * batch * g, (k + 1) * batch * g);
        mergeRecurrent(k, stepMatMul(dMk, batch, g, rT), dhp);
      }
      // The input side differs from dM only in the h block: dAh instead of r * dAh.
      const dz = dM.slice();
      for (let r = 0; r < rows; r++)
        dz.set(dAh.subarray(r * units, (r + 1) * units), r * g + 2 * units);
      dZin = dz;
      dRT = () => weightGradT(hPrev, dM, rows, g);
      dBias = () => {
        const dIn = colSum(dz, rows, g);
        if (bias?.rank !== 2) return tf.tensor1d(dIn);
        const both = new Float32Array(2 * g);
        both.set(dIn);
        both.set(colSum(dM, rows, g), g);
        return tf.tensor2d(both, [2, g]);
      };
    } else {
      const rT = transposed(rk);
      const dZ = new Float32Array(rows * g);
      for (let k = time - 1; k >= 0; k--) {
        addOutputGrad(k);
        if (cell === 'lstm') lstmBackwardStep(s, k, dh, dc, cs, gates, dZ, keep);
        else rnnBackwardStep(s, k, dh, hs, dZ, keep);
        const dZk = dZ.subarray(k * batch * g, (k + 1) * batch * g);
        mergeRecurrent(k, stepMatMul(dZk, batch, g, rT), null);
      }
      dZin = dZ;
      dRT = () => weightGradT(hPrev, dZ, rows, g);
      dBias = () => tf.tensor1d(colSum(dZ, rows, g));
    }

    const grads: Record<string, () => tf.Tensor> = {
      x: () => {
        // [time*batch, g] x [g, features] -> [time*batch, features], then back to
        // [batch, time, features] in input order
        const dxt = tf.matMul(tf.tensor2d(dZin, [rows, g]), transposed(kern)).dataSync();
        const dx = new Float32Array(rows * features);
        for (let k = 0; k < time; k++) {
          const t = reverse ? time - 1 - k : k;
          for (let b = 0; b < batch; b++) {
            const from = (k * batch + b) * features;
            dx.set(dxt.subarray(from, from + features), (b * time + t) * features);
          }
        }
        return tf.tensor3d(dx, [batch, time, features]);
      },
      kernel: () =>
        tf.tensor2d(
          sparse !== null || xt === undefined
            ? sparseWeightGrad(sparse as SparseRows, dZin, g, features)
            : transposeData(weightGradT(xt, dZin, rows, g), g, features),
          [features, g],
        ),
      recurrentKernel: () => tf.tensor2d(transposeData(dRT(), g, units), [units, g]),
      h0: () => tf.tensor2d(dh.slice(), [batch, units]),
    };
    if (bias !== null) grads.bias = () => tf.reshape(dBias(), bias.shape);
    if (cell === 'lstm' && inputs.c0 != null)
      grads.c0 = () => tf.tensor2d(dc.slice(), [batch, units]);
    return grads;
  };

  return tf.tidy('FastRecurrence', () => {
    const engine = tf.engine() as unknown as OpEngine;
    const outs = engine.runKernelFunc({ forwardFunc, backwardsFunc, inputs: opInputs });
    const result: RecurrenceOutputs = {
      sequence: outs[0] as tf.Tensor3D,
      h: outs[1] as tf.Tensor2D,
    };
    if (cell === 'lstm') result.c = outs[2] as tf.Tensor2D;
    return result as unknown as tf.TensorContainer;
  }) as unknown as RecurrenceOutputs;
};
