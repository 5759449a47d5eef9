// Micro-benchmark of the LSTM gate steps: fast-gates.ts's JS lstmForwardStep / lstmBackwardStep
// (sigmoid/tanh, no mask) against gates-simd.ts's WebAssembly SIMD module (copies into and out of
// its memory included), per time step, in CPU time (process.cpuUsage). A block is one sequence of
// 64 steps (forward in time order from fresh pre-activations, backward in reverse over the gates
// and states of a forward pass, gates written over xp and dZ over the gates); JS and SIMD blocks
// alternate, `rounds` times; each figure is the median block.
// Prints per case: BENCH gates_simd.<case>.{forward,backward}.{js,simd}_ns_per_elem (an element:
// one unit of one row), .forward_speedup, .backward_speedup and .speedup (forward + backward).
// Where the engine has relaxed SIMD (Node 22+, or Node 20 with --experimental-wasm-relaxed-simd)
// the module's relaxed build runs too, in the same alternation: .{forward,backward}.relaxed_ns_per_elem
// and .relaxed_speedup (plain SIMD / relaxed, forward + backward).
// Needs packages/models/dist (npx tsc -p tsconfig.build.json in packages/models).
// Usage: node [--experimental-wasm-relaxed-simd] bench/speed/gates-simd.mjs [rounds]

import { mulberry32 } from '@rnnkit/windowing';
import {
  activationFn,
  activationGradFromOutput,
  lstmBackwardStep,
  lstmForwardStep,
} from '../../packages/models/dist/fast/fast-gates.js';
import { simdKernels } from '../../packages/models/dist/fast/gates-simd.js';
import { median } from './common.mjs';

const [rounds = 25] = process.argv.slice(2).map(Number);
const CASES = [
  [16, 256],
  [32, 64],
  [32, 256],
];
const TIME = 64;
const [act, rec] = [activationFn('tanh'), activationFn('sigmoid')];
const [dAct, dRec] = [activationGradFromOutput('tanh'), activationGradFromOutput('sigmoid')];

const simdLstm = simdKernels('simd')?.lstm ?? null; // the plain build, whatever the default
const relaxedLstm = simdKernels('relaxed')?.lstm ?? null;
const IMPLS = ['js', 'simd', ...(relaxedLstm ? ['relaxed'] : [])];
if (simdLstm === null) {
  console.log('no WebAssembly SIMD here: nothing to compare');
  process.exit(0);
}
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

for (const [batch, units] of CASES) {
  const n = batch * units;
  const r = mulberry32(batch * 1000 + units);
  const fill = (len, s) => new Float32Array(len).map(() => (r() * 2 - 1) * s);
  const s = { batch, units, act, rec, dAct, dRec };
  // the kernel's buffers: gates written over xp, dZ over gates (as fast-core.ts may alias them)
  const fresh = fill(TIME * 4 * n, 2);
  const m = fill(4 * n, 1);
  const hs = new Float32Array((TIME + 1) * n);
  const cs = new Float32Array((TIME + 1) * n);
  const dh = fill(n, 0.1);
  const dc = new Float32Array(n);
  // one JS forward pass gives the backward its saved gates and states (i f o in (0, 1))
  const xp = fresh.slice();
  for (let k = 0; k < TIME; k++) lstmForwardStep(s, k, xp, m, hs, cs, xp, null);
  const saved = xp.slice();
  const impls = {
    js: {
      forward: (k) => lstmForwardStep(s, k, xp, m, hs, cs, xp, null),
      backward: (k) => lstmBackwardStep(s, k, dh, dc, cs, xp, xp, null),
    },
    simd: {
      forward: (k) => simdLstm.forward(batch, units, k, xp, m, hs, cs, xp),
      backward: (k) => simdLstm.backward(batch, units, k, dh, dc, cs, xp, xp),
    },
    relaxed: {
      forward: (k) => relaxedLstm.forward(batch, units, k, xp, m, hs, cs, xp),
      backward: (k) => relaxedLstm.backward(batch, units, k, dh, dc, cs, xp, xp),
    },
  };
  const times = Object.fromEntries(IMPLS.map((i) => [i, { forward: [], backward: [] }]));
  // a block: the whole sequence, forward in time order or backward in reverse
  const block = (dir, fn) => {
    xp.set(dir === 'forward' ? fresh : saved);
    dc.fill(0);
    const t0 = cpuMs();
    for (let i = 0; i < TIME; i++) fn(dir === 'forward' ? i : TIME - 1 - i);
    return cpuMs() - t0;
  };
  for (let round = -2; round < rounds; round++) {
    for (const impl of IMPLS) {
      for (const dir of ['forward', 'backward']) {
        const ms = block(dir, impls[impl][dir]);
        if (round >= 0) times[impl][dir].push(ms);
      }
    }
  }
  const name = `gates_simd.b${batch}u${units}`;
  const ns = (ms) => (ms * 1e6) / (TIME * n);
  const med = {};
  for (const impl of IMPLS) {
    for (const dir of ['forward', 'backward']) {
      med[`${impl}.${dir}`] = median(times[impl][dir]);
      const v = ns(med[`${impl}.${dir}`]).toFixed(2);
      console.log(`BENCH ${name}.${dir}.${impl}_ns_per_elem ${v} ns`);
    }
  }
  const ratio = (a, b) => (a / b).toFixed(2);
  console.log(`BENCH ${name}.forward_speedup ${ratio(med['js.forward'], med['simd.forward'])}`);
  console.log(`BENCH ${name}.backward_speedup ${ratio(med['js.backward'], med['simd.backward'])}`);
  const js = med['js.forward'] + med['js.backward'];
  const simd = med['simd.forward'] + med['simd.backward'];
  console.log(`BENCH ${name}.speedup ${ratio(js, simd)}`);
  if (relaxedLstm) {
    const relaxed = med['relaxed.forward'] + med['relaxed.backward'];
    console.log(`BENCH ${name}.relaxed_speedup ${ratio(simd, relaxed)}`);
  }
}
