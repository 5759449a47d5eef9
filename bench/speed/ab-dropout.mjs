// A/B of training with recurrent dropout on the fast kernel against the reference kernel, in one
// process: W1's char model (one-hot vocab 65 -> LSTM -> softmax, seqLength 64, batch 32, Adam) with
// inputDropout 0.2 and recurrentDropout 0.2, interleaved blocks of steps (wall time and CPU time of
// the process, both threads, per step; median block), plus the same model without dropout on the
// fast kernel for the cost of the masks.
// Usage: [UNITS=256] [CELL=lstm] [ROUNDS=3] [STEPS=2] [INPUT=0.2] [RECURRENT=0.2] [REFERENCE=1]
// node bench/speed/ab-dropout.mjs (REFERENCE=0 leaves the reference kernel out)
import { manyToMany, setRecurrenceKernel } from '@rnnkit/models';
import { createTrainer } from '@rnnkit/training';
import * as tf from '@tensorflow/tfjs-core';
import { median, useWasm } from './common.mjs';
import { W1, w1Ids } from './workloads.mjs';

await useWasm();
const units = Number(process.env.UNITS ?? 256);
const cell = process.env.CELL ?? 'lstm';
const steps = Number(process.env.STEPS ?? 2);

/** W1's model and trainer, with the dropout rates given. */
function trainerWith(rates) {
  const { model } = manyToMany({
    cell,
    units,
    classes: W1.vocab,
    input: { type: 'oneHot', vocabSize: W1.vocab },
    seqLength: W1.seqLength,
    seed: 1,
    ...rates,
  });
  return createTrainer(model, {
    loss: 'sparseCategoricalCrossentropy',
    optimizer: { type: 'adam', learningRate: 2e-3 },
  });
}

const batches = w1Ids().map(({ x, y }) => ({
  x: tf.tensor2d(x, [W1.batch, W1.seqLength], 'int32'),
  y: tf.tensor2d(y, [W1.batch, W1.seqLength], 'int32'),
}));
const dropout = trainerWith({
  inputDropout: Number(process.env.INPUT ?? 0.2),
  recurrentDropout: Number(process.env.RECURRENT ?? 0.2),
});
const plain = trainerWith({});
const runs = {
  'dropout fast': () => {
    setRecurrenceKernel('default');
    return dropout;
  },
  ...(process.env.REFERENCE === '0'
    ? {}
    : {
        'dropout reference': () => {
          setRecurrenceKernel('reference');
          return dropout;
        },
      }),
  'no dropout fast': () => {
    setRecurrenceKernel('default');
    return plain;
  },
};
const res = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
const cpu = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
let s = 0;
for (const pick of Object.values(runs)) {
  const trainer = pick();
  for (let i = 0; i < 2; i++) trainer.step(batches[s++ % 4]); // warm-up
}
for (let r = 0; r < Number(process.env.ROUNDS ?? 3); r++) {
  for (const [name, pick] of Object.entries(runs)) {
    const trainer = pick();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < steps; i++) trainer.step(batches[s++ % 4]);
    const c = process.cpuUsage(c0);
    res[name].push((performance.now() - t0) / steps);
    cpu[name].push((c.user + c.system) / 1000 / steps);
  }
}
setRecurrenceKernel('default');
const tokens = W1.batch * W1.seqLength * 1000;
for (const [name, xs] of Object.entries(res)) {
  console.log(
    `${cell}${units} ${name}: median ${median(xs).toFixed(0)} ms/step (${Math.round(tokens / median(xs))} tok/s), CPU ${median(cpu[name]).toFixed(0)} ms/step  blocks ${xs.map((x) => x.toFixed(0)).join(' ')}`,
  );
}
if (res['dropout reference'] !== undefined) {
  const ratio = (r) => (median(r['dropout reference']) / median(r['dropout fast'])).toFixed(2);
  console.log(`BENCH w1.${cell}${units}.dropout.fast_vs_reference ${ratio(res)} x`);
  console.log(`BENCH w1.${cell}${units}.dropout.fast_vs_reference_cpu ${ratio(cpu)} x`);
}
