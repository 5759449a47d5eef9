// Micro-benchmark of the LSTM recurrence's per-step loops on the wasm path, in CPU time
// (process.cpuUsage): 'xnnpack' is what the kernel ran before gemm-simd.ts (the product on
// tfjs-backend-wasm's XNNPACK BatchMatMul through fast-wasm.ts's heap, then gates-simd.ts's gate
// module with its copies), 'gemm' is gemm-simd.ts (rnnkit's own SIMD GEMM with the gates in the
// same module). A block is one sequence of 64 steps forward (from packing R), 64 backward
// (from R^T: transposeData then XNNPACK's packing, or gemm-simd.ts's transposing pack) and the recurrent weight
// gradient h^T dZ over the 64 steps' rows (per step: its time / 64); the two alternate, `rounds`
// times; each figure is the median block, per step.
// Prints per case: BENCH gemm_simd.<batch>x<units>.{forward,backward,weightGrad}.{xnnpack,gemm}_us_per_step
// and .speedup (xnnpack / gemm, the three together). Which build runs (relaxed or plain SIMD) is
// gates-simd.ts's choice for this engine (Node 20: plain; --experimental-wasm-relaxed-simd: relaxed);
// the kernel itself takes gemm-simd.ts with relaxed SIMD only (gemmLstmFor). CASES='[[1,256]]'
// (a JSON list of [batch, units]) replaces the cases.
// Needs packages/models/dist (npx tsc -p tsconfig.build.json in packages/models).
// Usage: node [--experimental-wasm-relaxed-simd] bench/speed/gemm-simd.mjs [rounds]

import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { transposeData } from '../../packages/models/dist/fast/fast-linalg.js';
import { heapOf } from '../../packages/models/dist/fast/fast-wasm.js';
import { simdLstm, simdVariant } from '../../packages/models/dist/fast/gates-simd.js';
import { gemmLstm } from '../../packages/models/dist/fast/gemm-simd.js';
import { median, useWasm } from './common.mjs';

await useWasm();
const [rounds = 9] = process.argv.slice(2).map(Number);
const CASES = process.env.CASES
  ? JSON.parse(process.env.CASES)
  : [
      [16, 256],
      [32, 256],
      [16, 64],
      [32, 64],
    ];
const TIME = 64;
const heap = heapOf(tf.backend());
if (heap === null || simdLstm === null) {
  console.log('no wasm heap or no WebAssembly SIMD here: nothing to compare');
  process.exit(0);
}
console.log(`# gates build: ${simdVariant}`);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

for (const [batch, units] of CASES) {
  const n = batch * units;
  const g = 4 * units;
  const r = mulberry32(batch * 1000 + units);
  const fill = (len, s) => new Float32Array(len).map(() => (r() * 2 - 1) * s);
  const R = fill(units * g, 1 / Math.sqrt(units));
  const xp = fill(TIME * batch * g, 1);
  const hs = new Float32Array((TIME + 1) * n);
  const cs = new Float32Array((TIME + 1) * n);
  const gates = new Float32Array(xp.length);
  const dh = new Float32Array(n);
  const dc = new Float32Array(n);
  const lstm = gemmLstm(simdVariant, units); // the kernel takes it with relaxed SIMD only
  const impls = {
    xnnpack: {
      forward() {
        const p = heap.product(R, units, g, batch);
        for (let k = 0; k < TIME; k++) {
          const m = p.run(hs.subarray(k * n, (k + 1) * n));
          simdLstm.forward(batch, units, k, xp, m, hs, cs, gates);
        }
        p.dispose();
      },
      backward() {
        const p = heap.product(transposeData(R, units, g), g, units, batch); // as fast-core.ts did
        for (let k = TIME - 1; k >= 0; k--) {
          simdLstm.backward(batch, units, k, dh, dc, cs, gates, gates);
          dh.set(p.run(gates.subarray(k * batch * g, (k + 1) * batch * g)));
        }
        p.dispose();
      },
      weightGrad() {
        // fast-core.ts's weightGrad before gemm-simd.ts: (d^T a)^T through XNNPACK
        const dT = transposeData(gates, TIME * batch, g);
        transposeData(heap.mul(dT, g, TIME * batch, hs, units), g, units);
      },
    },
    gemm: {
      forward() {
        const f = lstm.forward(R, batch, hs, cs);
        for (let k = 0; k < TIME; k++) f.step(k, xp, hs, cs, gates);
      },
      backward() {
        const b = lstm.backward(R, batch, dc);
        for (let k = TIME - 1; k >= 0; k--) b.step(k, dh, cs, gates, gates);
        b.finish(dc);
      },
      weightGrad() {
        lstm.weightGrad(hs, TIME * batch, gates);
      },
    },
  };
  const PASSES = ['forward', 'backward', 'weightGrad'];
  const times = Object.fromEntries(
    Object.keys(impls).map((name) => [name, Object.fromEntries(PASSES.map((p) => [p, []]))]),
  );
  for (let round = -1; round < rounds; round++) {
    for (const name of Object.keys(impls)) {
      for (const pass of PASSES) {
        dh.fill(0.1);
        dc.fill(0.1);
        const t0 = cpuMs();
        impls[name][pass]();
        if (round >= 0) times[name][pass].push(((cpuMs() - t0) * 1000) / TIME);
      }
    }
  }
  const key = `gemm_simd.${batch}x${units}`;
  const med = {};
  for (const name of Object.keys(impls)) {
    for (const pass of PASSES) {
      med[`${name}.${pass}`] = median(times[name][pass]);
      console.log(`BENCH ${key}.${pass}.${name}_us_per_step ${med[`${name}.${pass}`].toFixed(1)}`);
    }
  }
  const sum = (name) => PASSES.reduce((t, pass) => t + med[`${name}.${pass}`], 0);
  console.log(`BENCH ${key}.speedup ${(sum('xnnpack') / sum('gemm')).toFixed(2)}`);
}
