// The warm-up curve of W1's user path: tokens/s of successive runs of 10 training steps from a
// fresh process, to see how many steps the JIT'd code takes to reach its steady state (what
// common.mjs's W1_WARMUP_SECONDS is chosen from). PyTorch's curve: bench/reference/speed_w1.py
// with TRAJECTORY=1.
//
// Usage: node bench/speed/trajectory.mjs [lstm|gru|rnn] [units] [threads 1|2|auto] [runs]
import { setRecurrenceThreads } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import { useWasm } from './common.mjs';
import { W1, w1Ids, w1Trainer } from './workloads.mjs';

const [cell = 'lstm', units = '64', threads = 'auto', runs = '20'] = process.argv.slice(2);
await useWasm();
setRecurrenceThreads(threads === 'auto' ? 'auto' : Number(threads));
const { trainer } = w1Trainer(cell, Number(units), {}, false);
const { seqLength, batch } = W1;
const batches = w1Ids().map(({ x, y }) => ({
  x: tf.tensor2d(x, [batch, seqLength], 'int32'),
  y: tf.tensor2d(y, [batch, seqLength], 'int32'),
}));
let i = 0;
const rates = [];
const start = performance.now();
for (let r = 0; r < Number(runs); r++) {
  const t0 = performance.now();
  for (let k = 0; k < 10; k++) trainer.step(batches[i++ % batches.length]);
  const t1 = performance.now();
  rates.push(Math.round((batch * seqLength * 10) / ((t1 - t0) / 1000)));
  console.log(
    `steps ${i - 10}-${i - 1}: ${rates.at(-1)} tokens/s (${((t1 - start) / 1000).toFixed(1)} s)`,
  );
}
