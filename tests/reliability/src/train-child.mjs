// The process the kill test SIGKILLs: trains a tiny LSTM regression (seed 0) with a checkpoint
// after every step in argv[2], resuming from it when one is there, up to argv[3] steps in all.
// Prints `checkpoint <step>` after each checkpoint (one write per line: the parent starts its
// kill clock at the first), then `done <steps> resumedFrom <step>`. Plain ESM so the test can spawn it with node alone.
import { manyToOne } from '@rnnkit/models';
import { train } from '@rnnkit/training';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

const [dir, steps] = [process.argv[2], Number(process.argv[3])];
tf.env().set('PROD', true);
await tf.setBackend('cpu');
const { model } = manyToOne({
  cell: 'lstm',
  units: 8,
  input: { type: 'features', features: 2 },
  head: { type: 'regression' },
  seed: 0,
});
const x = tf.randomUniform([64, 6, 2], -1, 1, 'float32', 1); // [examples, time, features]
const y = tf.reshape(tf.sum(x, [1, 2]), [64, 1]); // [examples, 1]
const history = await train(
  model,
  { x, y },
  {
    loss: 'meanSquaredError',
    optimizer: { type: 'adam', learningRate: 1e-2 },
    batchSize: 8,
    steps,
    seed: 3,
    checkpoint: { dir, everySteps: 1 },
    callbacks: {
      onCheckpoint({ step }) {
        console.log(`checkpoint ${step}`);
      },
    },
  },
);
console.log(`done ${history.steps} resumedFrom ${history.resumedFrom ?? 'none'}`);
