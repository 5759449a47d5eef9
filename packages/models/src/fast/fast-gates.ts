/**
 * Per-step gate math of the fast recurrence kernel, on plain Float32Arrays.
 *
 * Composing tfjs ops for the gates costs a dozen kernel dispatches (and, on wasm, a copy per slice)
 * per time step; one JS loop over `[batch, k * units]` is faster for the sizes rnnkit trains (the
 * figures: apps/docs/guide/performance.md). All buffers are time-major in processing order: step
 * `k` of a `[time * batch, n]` buffer starts at `k * batch * n`.
 *
 * Activations follow tfjs-layers exactly: `hardSigmoid(x) = clip(0.2 x + 0.5, 0, 1)`, `relu`'s
 * derivative is 0 at 0, `linear` is the identity.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * const f = activationFn('tanh');
 * f(0.5); // 0.4621171572600098 (table; Math.tanh(0.5) = 0.46211715726000974)
 * activationGradFromOutput('tanh')(f(0.5)); // 0.7864477329659274 (= 1 - tanh(0.5)^2)
 * ```
 */

/** Output activation of a cell (`activation` in Keras). */
import type { LstmBackwardBuffers, LstmForwardBuffers } from '../fast-seam.js';

export type Activation = 'tanh' | 'relu' | 'linear';
/** Gate activation of a cell (`recurrentActivation` in Keras). */
export type RecurrentActivation = 'sigmoid' | 'hardSigmoid';

type Fn = (v: number) => number;

const relu: Fn = (v) => Math.max(v, 0);
const linear: Fn = (v) => v;

/**
 * Sigmoid by linear interpolation in a table on [-16, 16) with step 1/256 (8193 float64 entries,
 * 64 KB), exact formula outside. Interpolation error <= h^2/8 max|sigmoid''| = 1.8e-7, tanh (from
 * the same table) 3.7e-7: far inside the kernel's 1e-5 forward tolerance, and 2-3x faster than
 * Math.exp / Math.tanh in V8 (measured in bench/speed).
 */
const TABLE_LO = -16;
const TABLE_SCALE = 256;
const TABLE_SIZE = 32 * TABLE_SCALE;
const SIGMOID_TABLE = new Float64Array(TABLE_SIZE + 1).map(
  (_, i) => 1 / (1 + Math.exp(-(TABLE_LO + i / TABLE_SCALE))),
);
const sigmoid: Fn = (v) => {
  const p = (v - TABLE_LO) * TABLE_SCALE;
  if (!(p >= 0 && p < TABLE_SIZE)) return 1 / (1 + Math.exp(-v)); // also NaN
  const i = p | 0;
  const y0 = SIGMOID_TABLE[i] as number;
  return y0 + ((SIGMOID_TABLE[i + 1] as number) - y0) * (p - i);
};
/** tanh(v) = 2 sigmoid(2v) - 1, through the same table. */
const tanh: Fn = (v) => 2 * sigmoid(2 * v) - 1;
const hardSigmoid: Fn = (v) => Math.min(Math.max(0.2 * v + 0.5, 0), 1);

/** The activation as a scalar function. */
export function activationFn(name: Activation | RecurrentActivation): Fn {
  switch (name) {
    case 'tanh':
      return tanh;
    case 'relu':
      return relu;
    case 'linear':
      return linear;
    case 'sigmoid':
      return sigmoid;
    case 'hardSigmoid':
      return hardSigmoid;
  }
}

/**
 * The activation's derivative written in terms of its output `a = f(v)`, so the backward pass needs
 * only the saved activations. For hardSigmoid the saturated ends (a = 0 or 1) get 0, as tfjs's
 * clipByValue gradient does everywhere except exactly on the clip points.
 */
export function activationGradFromOutput(name: Activation | RecurrentActivation): Fn {
  switch (name) {
    case 'tanh':
      return (a) => 1 - a * a;
    case 'relu':
      return (a) => (a > 0 ? 1 : 0);
    case 'linear':
      return () => 1;
    case 'sigmoid':
      return (a) => a * (1 - a);
    case 'hardSigmoid':
      return (a) => (a > 0 && a < 1 ? 0.2 : 0);
  }
}

/** Sizes and activations shared by every step of one sequence. */
export interface StepShape {
  batch: number;
  units: number;
  act: Fn;
  rec: Fn;
  dAct: Fn;
  dRec: Fn;
}

/**
 * A step kernel: step k of a run of shape `s`, over its buffers `B` (each kernel's comment says
 * what they hold) and `keep` ([time*batch] 1/0 per row, or null: every row is real).
 */
export type StepKernel<B extends (Float32Array | null)[]> = (
  s: StepShape,
  k: number,
  ...buffers: [...B, keep: Uint8Array | null]
) => void;

/**
 * Whether row `row` of a step is masked (keep[row] === 0). A masked row passes its state on: slot
 * `next` of `state` (and of `cell`, the LSTM's c) gets the u values of slot `prev`. Called once per
 * row, before the row's gate loop.
 */
export function passedOn(
  keep: Uint8Array | null,
  row: number,
  u: number,
  prev: number,
  next: number,
  state: Float32Array,
  cell: Float32Array | null = null,
): boolean {
  if (keep === null || keep[row] !== 0) return false;
  state.copyWithin(next, prev, prev + u);
  cell?.copyWithin(next, prev, prev + u);
  return true;
}

/**
 * LSTM forward for step k (Hochreiter & Schmidhuber 1997, Keras gate order i f c o).
 * xp: [time*batch, 4u] input projection + bias; m: [batch, 4u] = h_{k-1} R; hs, cs:
 * [(time+1)*batch, u] states (slot k is the state before step k); gates: [time*batch, 4u] saved
 * activated gates; keep: [time*batch] 1/0 mask or null.
 */
export const lstmForwardStep: StepKernel<LstmForwardBuffers> = (
  s,
  k,
  xp,
  m,
  hs,
  cs,
  gates,
  keep,
) => {
  const { batch, units: u, act, rec } = s;
  const g4 = 4 * u;
  // Keras's defaults (sigmoid gates, tanh) with the table functions called directly: V8 inlines
  // them, which it does not always do through the closures (about 20% of this loop, measured).
  const fast = rec === sigmoid && act === tanh;
  for (let b = 0; b < batch; b++) {
    const row = k * batch + b;
    const xo = row * g4;
    const mo = b * g4;
    const prev = row * u;
    const next = prev + batch * u;
    if (passedOn(keep, row, u, prev, next, hs, cs)) continue;
    if (fast) {
      for (let j = 0; j < u; j++) {
        const i = sigmoid((xp[xo + j] as number) + (m[mo + j] as number));
        const f = sigmoid((xp[xo + u + j] as number) + (m[mo + u + j] as number));
        const g =
          2 * sigmoid(2 * ((xp[xo + 2 * u + j] as number) + (m[mo + 2 * u + j] as number))) - 1;
        const o = sigmoid((xp[xo + 3 * u + j] as number) + (m[mo + 3 * u + j] as number));
        const c = f * (cs[prev + j] as number) + i * g;
        gates[xo + j] = i;
        gates[xo + u + j] = f;
        gates[xo + 2 * u + j] = g;
        gates[xo + 3 * u + j] = o;
        cs[next + j] = c;
        hs[next + j] = o * (2 * sigmoid(2 * c) - 1);
      }
      continue;
    }
    for (let j = 0; j < u; j++) {
      const i = rec((xp[xo + j] as number) + (m[mo + j] as number));
      const f = rec((xp[xo + u + j] as number) + (m[mo + u + j] as number));
      const g = act((xp[xo + 2 * u + j] as number) + (m[mo + 2 * u + j] as number));
      const o = rec((xp[xo + 3 * u + j] as number) + (m[mo + 3 * u + j] as number));
      const c = f * (cs[prev + j] as number) + i * g;
      gates[xo + j] = i;
      gates[xo + u + j] = f;
      gates[xo + 2 * u + j] = g;
      gates[xo + 3 * u + j] = o;
      cs[next + j] = c;
      hs[next + j] = o * act(c);
    }
  }
};

/**
 * LSTM backward for step k. dh: [batch, u] gradient reaching h_k (output + recurrent), dc:
 * [batch, u] gradient reaching c_k, updated in place to the gradient reaching c_{k-1}. Writes
 * dZ: [time*batch, 4u] pre-activation gradients (0 on masked rows).
 */
export const lstmBackwardStep: StepKernel<LstmBackwardBuffers> = (
  s,
  k,
  dh,
  dc,
  cs,
  gates,
  dZ,
  keep,
) => {
  const { batch, units: u, act, dAct, dRec } = s;
  const g4 = 4 * u;
  for (let b = 0; b < batch; b++) {
    const row = k * batch + b;
    const go = row * g4;
    if (keep !== null && keep[row] === 0) {
      dZ.fill(0, go, go + g4);
      continue;
    }
    const prev = row * u;
    const next = prev + batch * u;
    const so = b * u;
    for (let j = 0; j < u; j++) {
      const i = gates[go + j] as number;
      const f = gates[go + u + j] as number;
      const g = gates[go + 2 * u + j] as number;
      const o = gates[go + 3 * u + j] as number;
      const tc = act(cs[next + j] as number);
      const dhj = dh[so + j] as number;
      const dcj = (dc[so + j] as number) + dhj * o * dAct(tc);
      dZ[go + j] = dcj * g * dRec(i);
      dZ[go + u + j] = dcj * (cs[prev + j] as number) * dRec(f);
      dZ[go + 2 * u + j] = dcj * i * dAct(g);
      dZ[go + 3 * u + j] = dhj * tc * dRec(o);
      dc[so + j] = dcj * f;
    }
  }
};

/** The buffers of a SimpleRNN step forward, in order (`rnnForwardStep`). */
type RnnForwardBuffers = [xp: Float32Array, m: Float32Array, hs: Float32Array];
/** The buffers of a SimpleRNN step backward, in order (`rnnBackwardStep`). */
type RnnBackwardBuffers = [dh: Float32Array, hs: Float32Array, dZ: Float32Array];

/** SimpleRNN forward for step k: h_k = act(xp + m). */
export const rnnForwardStep: StepKernel<RnnForwardBuffers> = (s, k, xp, m, hs, keep) => {
  const { batch, units: u, act } = s;
  for (let b = 0; b < batch; b++) {
    const row = k * batch + b;
    const prev = row * u;
    const next = prev + batch * u;
    if (passedOn(keep, row, u, prev, next, hs)) continue;
    for (let j = 0; j < u; j++) {
      hs[next + j] = act((xp[prev + j] as number) + (m[b * u + j] as number));
    }
  }
};

/** SimpleRNN backward for step k: dZ = dh * act'(h_k). */
export const rnnBackwardStep: StepKernel<RnnBackwardBuffers> = (s, k, dh, hs, dZ, keep) => {
  const { batch, units: u, dAct } = s;
  for (let b = 0; b < batch; b++) {
    const row = k * batch + b;
    const o = row * u;
    const masked = keep !== null && keep[row] === 0;
    for (let j = 0; j < u; j++) {
      dZ[o + j] = masked ? 0 : (dh[b * u + j] as number) * dAct(hs[o + batch * u + j] as number);
    }
  }
};
