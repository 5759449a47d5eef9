// A/B of recurrence threads 1 vs 2 for one W1 configuration in one process: interleaved blocks of 8
// training steps (wall time per step, median block). Usage: [UNITS=64] [CELL=lstm] [ROUNDS=8]
// node bench/speed/ab-threads.mjs (what set the 'auto' rule of setRecurrenceThreads).
import { setRecurrenceThreads } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import { median, useWasm } from './common.mjs';
import { W1, w1Ids, w1Trainer } from './workloads.mjs';

await useWasm();
const units = Number(process.env.UNITS ?? 64);
const cell = process.env.CELL ?? 'lstm';
const { trainer } = w1Trainer(cell, units, {}, false);
const batches = w1Ids().map(({ x, y }) => ({
  x: tf.tensor2d(x, [W1.batch, W1.seqLength], 'int32'),
  y: tf.tensor2d(y, [W1.batch, W1.seqLength], 'int32'),
}));
const res = { 1: [], 2: [] };
let s = 0;
for (const t of [1, 2]) {
  setRecurrenceThreads(t);
  for (let i = 0; i < 6; i++) trainer.step(batches[s++ % 4]);
}
for (let r = 0; r < Number(process.env.ROUNDS ?? 8); r++) {
  for (const t of [1, 2]) {
    setRecurrenceThreads(t);
    const t0 = performance.now();
    for (let i = 0; i < 8; i++) trainer.step(batches[s++ % 4]);
    res[t].push((performance.now() - t0) / 8);
  }
}
for (const t of [1, 2])
  console.log(
    `${cell}${units} threads ${t}: median ${median(res[t]).toFixed(1)} ms/step (${Math.round(2048000 / median(res[t]))} tok/s)  blocks ${res[t].map((x) => x.toFixed(0)).join(' ')}`,
  );
