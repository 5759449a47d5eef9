/**
 * Per-step GRU gate math of the fast recurrence kernel (both reset modes), on plain Float32Arrays;
 * same buffer layout and conventions as `fast-gates.ts` (time-major, processing order).
 * resetAfter false (tfjs/Keras 1) needs two recurrent matMuls per step (h R_zr, then (r * h) R_h),
 * so its forward and backward steps come in two halves around the second matMul.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * // one unit, one row, z = r = sigmoid(0) = 0.5, hh = tanh(0) = 0: h_1 = 0.5 * h_0
 * const s = { batch: 1, units: 1, act: Math.tanh, rec: (v: number) => 1 / (1 + Math.exp(-v)),
 *   dAct: (a: number) => 1 - a * a, dRec: (a: number) => a * (1 - a) };
 * const hs = new Float32Array([0.8, 0]);
 * gruAfterForwardStep(s, 0, new Float32Array(3), new Float32Array(3), new Float32Array(3), hs,
 *   new Float32Array(3), new Float32Array(1), null);
 * hs[1]; // 0.4000000059604645
 * ```
 */
import { passedOn, type StepKernel, type StepShape } from './fast-gates.js';

/**
 * GRU (resetAfter false, tfjs/Keras 1) forward, first half of step k, after m1 = h_{k-1} R_zr
 * [batch, 2u]: z and r into gates [time*batch, 3u], and rh = r * h_{k-1} [time*batch, u], the left
 * operand of the second recurrent matMul (r * (h_{k-1} * hMask) with recurrent dropout: hMask
 * [batch, u] is the h gate's mask, `fast-dropout.ts`).
 */
export function gruBeforeForwardGates(
  s: StepShape,
  k: number,
  xp: Float32Array,
  m1: Float32Array,
  hs: Float32Array,
  gates: Float32Array,
  rh: Float32Array,
  hMask: Float32Array | null = null,
): void {
  const { batch, units: u, rec } = s;
  for (let b = 0; b < batch; b++) {
    const row = k * batch + b;
    const xo = row * 3 * u;
    const mo = b * 2 * u;
    for (let j = 0; j < u; j++) {
      const z = rec((xp[xo + j] as number) + (m1[mo + j] as number));
      const r = rec((xp[xo + u + j] as number) + (m1[mo + u + j] as number));
      gates[xo + j] = z;
      gates[xo + u + j] = r;
      const hm = hMask === null ? 1 : (hMask[b * u + j] as number);
      rh[row * u + j] = r * (hs[row * u + j] as number) * hm;
    }
  }
}

/** Second half of step k (resetAfter false), after m2 = rh R_h [batch, u]. */
export const gruBeforeForwardState: StepKernel<
  [xp: Float32Array, m2: Float32Array, hs: Float32Array, gates: Float32Array]
> = (s, k, xp, m2, hs, gates, keep) => {
  const { batch, units: u, act } = s;
  for (let b = 0; b < batch; b++) {
    const row = k * batch + b;
    const xo = row * 3 * u;
    const prev = row * u;
    const next = prev + batch * u;
    if (passedOn(keep, row, u, prev, next, hs)) continue;
    for (let j = 0; j < u; j++) {
      const hp = hs[prev + j] as number;
      const hh = act((xp[xo + 2 * u + j] as number) + (m2[b * u + j] as number));
      const z = gates[xo + j] as number;
      gates[xo + 2 * u + j] = hh;
      hs[next + j] = z * hp + (1 - z) * hh;
    }
  }
};

/**
 * GRU backward for step k, the part through h_k = z * h_{k-1} + (1 - z) * hh (both reset modes).
 * dh: [batch, u] gradient reaching h_k. Writes dZ's z block (z pre-activation), dAh [time*batch, u]
 * (hh pre-activation, the input side's h block) and dhp [batch, u] = the part of dL/dh_{k-1} that
 * does not go through a matMul (dh * z, or dh when masked); masked rows get zero gradients.
 * - resetAfter false (mh null): dZ is dZzr [time*batch, 2u]; its r block follows in
 *   `gruBeforeBackwardR`, after drh = dAh_k R_h^T.
 * - resetAfter true: mh [time*batch, u] = m_h + bRec_h saved by `gruAfterForwardStep`, and dZ is dM
 *   [time*batch, 3u] (gradient of h R + bRec: z, r, and r * dAh for the h block); dM may be gates.
 */
export const gruBackwardH: StepKernel<
  [
    dh: Float32Array,
    hs: Float32Array,
    gates: Float32Array,
    mh: Float32Array | null,
    dZ: Float32Array,
    dAh: Float32Array,
    dhp: Float32Array,
  ]
> = (s, k, dh, hs, gates, mh, dZ, dAh, dhp, keep) => {
  const { batch, units: u, dAct, dRec } = s;
  const zw = mh === null ? 2 * u : 3 * u;
  for (let b = 0; b < batch; b++) {
    const row = k * batch + b;
    const go = row * 3 * u;
    const zo = row * zw;
    const ho = row * u;
    const so = b * u;
    if (keep !== null && keep[row] === 0) {
      dZ.fill(0, zo, zo + zw);
      dAh.fill(0, ho, ho + u);
      for (let j = 0; j < u; j++) dhp[so + j] = dh[so + j] as number;
      continue;
    }
    if (mh === null) {
      for (let j = 0; j < u; j++) {
        const z = gates[go + j] as number;
        const hh = gates[go + 2 * u + j] as number;
        const hp = hs[ho + j] as number;
        const d = dh[so + j] as number;
        dZ[zo + j] = d * (hp - hh) * dRec(z);
        dAh[ho + j] = d * (1 - z) * dAct(hh);
        dhp[so + j] = d * z;
      }
      continue;
    }
    for (let j = 0; j < u; j++) {
      const z = gates[go + j] as number;
      const r = gates[go + u + j] as number;
      const hh = gates[go + 2 * u + j] as number;
      const hp = hs[ho + j] as number;
      const d = dh[so + j] as number;
      const dA = d * (1 - z) * dAct(hh);
      dZ[zo + j] = d * (hp - hh) * dRec(z);
      dZ[zo + u + j] = dA * (mh[ho + j] as number) * dRec(r);
      dZ[zo + 2 * u + j] = dA * r;
      dAh[ho + j] = dA;
      dhp[so + j] = d * z;
    }
  }
};

/**
 * Second half (resetAfter false), after drh = dAh_k R_h^T [batch, u]: dZzr[.., u:2u] (r
 * pre-activation) and dhp += drh * r (times hMask, the h gate's recurrent dropout mask, if any).
 */
export function gruBeforeBackwardR(
  s: StepShape,
  k: number,
  drh: Float32Array,
  hs: Float32Array,
  gates: Float32Array,
  dZzr: Float32Array,
  dhp: Float32Array,
  keep: Uint8Array | null,
  hMask: Float32Array | null = null,
): void {
  const { batch, units: u, dRec } = s;
  for (let b = 0; b < batch; b++) {
    const row = k * batch + b;
    if (keep !== null && keep[row] === 0) continue;
    const go = row * 3 * u;
    const zo = row * 2 * u;
    const ho = row * u;
    const so = b * u;
    for (let j = 0; j < u; j++) {
      const r = gates[go + u + j] as number;
      const d = drh[so + j] as number;
      if (hMask === null) {
        dZzr[zo + u + j] = d * (hs[ho + j] as number) * dRec(r);
        dhp[so + j] = (dhp[so + j] as number) + d * r;
      } else {
        const hm = hMask[so + j] as number;
        dZzr[zo + u + j] = d * (hs[ho + j] as number) * hm * dRec(r);
        dhp[so + j] = (dhp[so + j] as number) + d * r * hm;
      }
    }
  }
}

/**
 * GRU (resetAfter true, Keras 2/3, cuDNN) forward for step k, after m = h_{k-1} R [batch, 3u];
 * bRec [3u] is the recurrent bias row. Saves z, r, hh into gates and mh = m_h + bRec_h
 * [time*batch, u] (needed by r's gradient).
 */
export const gruAfterForwardStep: StepKernel<
  [
    xp: Float32Array,
    m: Float32Array,
    bRec: Float32Array,
    hs: Float32Array,
    gates: Float32Array,
    mh: Float32Array,
  ]
> = (s, k, xp, m, bRec, hs, gates, mh, keep) => {
  const { batch, units: u, act, rec } = s;
  for (let b = 0; b < batch; b++) {
    const row = k * batch + b;
    const xo = row * 3 * u;
    const mo = b * 3 * u;
    const prev = row * u;
    const next = prev + batch * u;
    if (passedOn(keep, row, u, prev, next, hs)) continue;
    for (let j = 0; j < u; j++) {
      const z = rec((xp[xo + j] as number) + (m[mo + j] as number) + (bRec[j] as number));
      const r = rec(
        (xp[xo + u + j] as number) + (m[mo + u + j] as number) + (bRec[u + j] as number),
      );
      const mhj = (m[mo + 2 * u + j] as number) + (bRec[2 * u + j] as number);
      const hh = act((xp[xo + 2 * u + j] as number) + r * mhj);
      gates[xo + j] = z;
      gates[xo + u + j] = r;
      gates[xo + 2 * u + j] = hh;
      mh[prev + j] = mhj;
      hs[next + j] = z * (hs[prev + j] as number) + (1 - z) * hh;
    }
  }
};
