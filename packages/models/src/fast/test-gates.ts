/**
 * Shared helpers of the SIMD gate and GEMM tests (`gates-simd.test.ts`, `gemm-simd.test.ts`; not
 * part of the build: see tsconfig.build.json).
 */
import { activationFn, activationGradFromOutput, type StepShape } from './fast-gates.js';

/** The JS steps' shape of an LSTM with Keras's default activations (tanh, sigmoid). */
export function shape(batch: number, units: number): StepShape {
  return {
    batch,
    units,
    act: activationFn('tanh'),
    rec: activationFn('sigmoid'),
    dAct: activationGradFromOutput('tanh'),
    dRec: activationGradFromOutput('sigmoid'),
  };
}

/** Deterministic uniform values in [-scale, scale] (mulberry32). */
export function values(n: number, scale: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 * scale - scale;
  }
  return out;
}
