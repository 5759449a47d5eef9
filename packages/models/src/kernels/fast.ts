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
import {
  activationFn,
  activationGradFromOutput,
  gruAfterBackwardStep,
  gruAfterForwardStep,
  gruBeforeBackwardH,
  gruBeforeBackwardR,
  gruBeforeForwardGates,
  gruBeforeForwardState,
  lstmBackwardStep,
  lstmForwardStep,
  rnnBackwardStep,
  rnnForwardStep,
  type StepShape,
} from './fast-gates.js';
import type { RecurrenceInputs, RecurrenceKernel, RecurrenceOutputs } from './recurrence.js';

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

/** Weight gradient a^T d for a [n, p], d [n, q], as (d^T a)^T: no transposed matMul operand. */
function weightGrad(a: tf.Tensor2D, d: tf.Tensor2D): tf.Tensor2D {
  return tf.transpose(tf.matMul(tf.transpose(d), a)) as tf.Tensor2D;
}

/** Column sums of a [rows, cols] buffer. */
function colSum(d: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) out[j] = (out[j] as number) + (d[o + j] as number);
  }
  return out;
}

/** Gate count per cell. */
const GATES = { rnn: 1, lstm: 4, gru: 3 } as const;

/**
 * The optimised kernel. Same outputs and gradients as `referenceRecurrence` for every option of
 * the contract (masks, goBackwards, every activation, both GRU variants).
 */
export const fastRecurrence: RecurrenceKernel = (inputs: RecurrenceInputs): RecurrenceOutputs => {
  const { cell, x, kernel, recurrentKernel, bias, h0 } = inputs;
  const [batch, time, features] = x.shape;
  const units = recurrentKernel.shape[0];
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

  const forwardFunc = (_backend: unknown, save: (tensors: tf.Tensor[]) => void): tf.Tensor[] => {
    // [time*batch, features], processing order
    const xt = tf.reshape(tf.transpose(reverse ? tf.reverse(x, 1) : x, [1, 0, 2]), [
      rows,
      features,
    ]);
    let biasIn: tf.Tensor | null = bias;
    let bRec = new Float32Array(g);
    if (bias !== null && bias.rank === 2) {
      biasIn = tf.reshape(tf.slice(bias, [0, 0], [1, g]), [g]);
      bRec = (tf.slice(bias, [1, 0], [1, g]).dataSync() as Float32Array).slice();
    }
    const proj = tf.matMul(xt, kernel);
    const xp = (biasIn === null ? proj : tf.add(proj, biasIn)).dataSync() as Float32Array;
    hs.set(h0.dataSync());
    if (cell === 'lstm' && inputs.c0 != null) cs.set(inputs.c0.dataSync()); // else zeros

    if (cell === 'gru' && !resetAfter) {
      const rzr = tf.slice(recurrentKernel, [0, 0], [units, 2 * units]);
      const rh = tf.slice(recurrentKernel, [0, 2 * units], [units, units]);
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
    save([xt, kernel, recurrentKernel]);
    const outs: tf.Tensor[] = [
      tf.tensor3d(seq, [batch, time, units]),
      tf.tensor2d(hs.slice(time * bu), [batch, units]),
    ];
    if (cell === 'lstm') outs.push(tf.tensor2d(cs.slice(time * bu), [batch, units]));
    return outs;
  };

  const backwardsFunc = (dys: tf.Tensor[], saved: tf.Tensor[]): Record<string, () => tf.Tensor> => {
    const [xt, kern, rk] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
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
    let dZin: tf.Tensor2D; // [time*batch, g], gradient of the input projection (x K + b_in)
    let dR: () => tf.Tensor;
    let dBias: () => tf.Tensor;

    if (cell === 'gru' && !resetAfter) {
      const rzrT = tf.transpose(tf.slice(rk, [0, 0], [units, 2 * units]));
      const rhT = tf.transpose(tf.slice(rk, [0, 2 * units], [units, units]));
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
      const zrT = tf.tensor2d(dZzr, [rows, 2 * units]);
      const ahT = tf.tensor2d(dAh, [rows, units]);
      dZin = tf.concat([zrT, ahT], 1);
      dR = () =>
        tf.concat([weightGrad(hPrev, zrT), weightGrad(tf.tensor2d(aux, [rows, units]), ahT)], 1);
      dBias = () => tf.tensor1d(colSum(dZin.dataSync() as Float32Array, rows, g));
    } else if (cell === 'gru') {
      const rT = tf.transpose(rk);
      const dM = new Float32Array(rows * g);
      const dAh = new Float32Array(rows * units);
      const dhp = new Float32Array(bu);
      for (let k = time - 1; k >= 0; k--) {
        addOutputGrad(k);
        gruAfterBackwardStep(s, k, dh, hs, gates, aux, dM, dAh, dhp, keep);
        mergeRecurrent(
          k,
          stepMatMul(dM.subarray(k * batch * g, (k + 1) * batch * g), batch, g, rT),
          dhp,
        );
      }
      const dMT = tf.tensor2d(dM, [rows, g]);
      dZin = tf.concat(
        [tf.slice(dMT, [0, 0], [rows, 2 * units]), tf.tensor2d(dAh, [rows, units])],
        1,
      );
      dR = () => weightGrad(hPrev, dMT);
      dBias = () => {
        const dIn = colSum(dZin.dataSync() as Float32Array, rows, g);
        if (bias?.rank !== 2) return tf.tensor1d(dIn);
        return tf.stack([tf.tensor1d(dIn), tf.tensor1d(colSum(dM, rows, g))]);
      };
    } else {
      const rT = tf.transpose(rk);
      const dZ = new Float32Array(rows * g);
      for (let k = time - 1; k >= 0; k--) {
        addOutputGrad(k);
        if (cell === 'lstm') lstmBackwardStep(s, k, dh, dc, cs, gates, dZ, keep);
        else rnnBackwardStep(s, k, dh, hs, dZ, keep);
        mergeRecurrent(
          k,
          stepMatMul(dZ.subarray(k * batch * g, (k + 1) * batch * g), batch, g, rT),
          null,
        );
      }
      dZin = tf.tensor2d(dZ, [rows, g]);
      const dZT = dZin;
      dR = () => weightGrad(hPrev, dZT);
      dBias = () => tf.tensor1d(colSum(dZ, rows, g));
    }

    const grads: Record<string, () => tf.Tensor> = {
      x: () => {
        // [time*batch, features] -> [batch, time, features], input order
        const dxt = tf.matMul(dZin, tf.transpose(kern));
        const dx = tf.transpose(tf.reshape(dxt, [time, batch, features]), [1, 0, 2]);
        return reverse ? tf.reverse(dx, 1) : dx;
      },
      kernel: () => weightGrad(xt, dZin),
      recurrentKernel: dR,
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
