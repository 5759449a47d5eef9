/**
 * W1's training loop for the speed bench's page (`w1-bench.ts`) and its worker
 * (`w1-bench-worker.ts`): trains the W1 char LM (one-hot vocab 65 -> RNN(units) -> softmax over
 * every step, seqLength 64, batch 32, Adam 2e-3) on the backend asked for, either as rnnkit's user
 * path (`manyToMany` + `createTrainer().step`, the defaults: the fast recurrence kernel and the
 * fused softmax head) or as stock tfjs-layers (`tfl.sequential` + `trainOnBatch`), the same two
 * models bench/speed/api.mjs and w1.mjs time in Node. The batches are the ids
 * bench/speed/workloads.mjs makes, passed in as JSON.
 */
import { manyToMany } from '@rnnkit/models';
import { simdVariant } from '@rnnkit/models/kernels';
import { createTrainer } from '@rnnkit/training';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Cell = 'lstm' | 'gru' | 'rnn';

export interface W1Args {
  engine: 'rnnkit' | 'stock';
  backend: 'wasm' | 'webgl';
  cell: Cell;
  units: number;
  /** W1's batches: x and y ids, each [batch * seqLength] row-major (workloads.mjs `w1Ids`). */
  batches: { x: number[]; y: number[] }[];
  /** Warm-up: at least this many steps and this many seconds. */
  warmup: number;
  warmupSeconds: number;
  /** Timed runs, each of at least `steps` steps and `seconds` seconds. */
  runs: number;
  steps: number;
  seconds: number;
}

export interface W1Result {
  backend: string;
  /** tokens per second of each timed run */
  rates: number[];
  /** the gate module the fast kernel runs here ('relaxed', 'simd' or null) */
  simdVariant: string | null;
  /** tfjs wasm's threads (more than 1 only in a cross-origin isolated page); 0 on webgl */
  wasmThreads: number;
  tensors: { start: number; end: number };
  /** steps run (warm-up included) and their wall time, ms */
  steps: number;
  ms: number;
}

const [VOCAB, SEQ, BATCH] = [65, 64, 32];

/** A training step of one engine over the batches, in turn; `dispose` frees what it made. */
function stepper(a: W1Args): { step: (i: number) => Promise<void>; dispose: () => void } {
  const ids = a.batches.map(({ x, y }) => ({
    x: tf.tensor2d(x, [BATCH, SEQ], 'int32'),
    y: tf.tensor2d(y, [BATCH, SEQ], 'int32'),
  }));
  const pick = (i: number) => ids[i % ids.length] as (typeof ids)[number];
  if (a.engine === 'rnnkit') {
    const { model } = manyToMany({
      cell: a.cell,
      units: a.units,
      classes: VOCAB,
      input: { type: 'oneHot', vocabSize: VOCAB },
      seqLength: SEQ,
      seed: 1,
      ...(a.cell === 'gru' ? { resetAfter: false } : {}),
    });
    const trainer = createTrainer(model, {
      loss: 'sparseCategoricalCrossentropy',
      optimizer: { type: 'adam', learningRate: 2e-3 },
    });
    return {
      step: async (i) => {
        trainer.step(pick(i));
      },
      dispose: () => {
        trainer.dispose();
        model.dispose();
        tf.dispose(ids.flatMap((b) => [b.x, b.y]));
      },
    };
  }
  // stock: w1.mjs's model, one-hot x [batch, seq, vocab] and one-hot targets
  const common = {
    units: a.units,
    returnSequences: true,
    kernelInitializer: 'glorotUniform' as const,
    recurrentInitializer: 'glorotUniform' as const,
    inputShape: [SEQ, VOCAB],
  };
  const rec =
    a.cell === 'lstm'
      ? tfl.layers.lstm({ ...common, recurrentActivation: 'sigmoid' })
      : a.cell === 'gru'
        ? tfl.layers.gru({ ...common, recurrentActivation: 'sigmoid' }) // resetAfter false only
        : tfl.layers.simpleRNN(common);
  const model = tfl.sequential({
    layers: [rec, tfl.layers.dense({ units: VOCAB, activation: 'softmax' })],
  });
  model.compile({ optimizer: tf.train.adam(2e-3), loss: 'categoricalCrossentropy' });
  const hot = ids.map(({ x, y }) => ({ x: tf.oneHot(x, VOCAB), y: tf.oneHot(y, VOCAB) }));
  return {
    step: async (i) => {
      const b = hot[i % hot.length] as (typeof hot)[number];
      await model.trainOnBatch(b.x, b.y);
    },
    dispose: () => {
      model.optimizer.dispose(); // Adam's slots (model.dispose leaves them)
      model.dispose();
      tf.dispose(ids.flatMap((b) => [b.x, b.y]));
      tf.dispose(hot.flatMap((b) => [b.x, b.y]));
    },
  };
}

/** Trains W1 as asked and returns each timed run's tokens per second (common.mjs's protocol). */
export async function w1(a: W1Args): Promise<W1Result> {
  if (!(await tf.setBackend(a.backend))) throw new Error(`backend '${a.backend}' failed to start`);
  await tf.ready();
  const start = tf.memory().numTensors;
  const { step, dispose } = stepper(a);
  let i = 0;
  const w0 = performance.now();
  while (i < a.warmup || performance.now() - w0 < a.warmupSeconds * 1000) await step(i++);
  const rates: number[] = [];
  for (let r = 0; r < a.runs; r++) {
    const t0 = performance.now();
    let done = 0;
    while (done < a.steps || performance.now() - t0 < a.seconds * 1000) {
      await step(i++);
      done++;
    }
    rates.push((BATCH * SEQ * done) / ((performance.now() - t0) / 1000));
  }
  const ms = performance.now() - w0;
  dispose();
  return {
    steps: i,
    ms,
    backend: tf.getBackend(),
    rates,
    simdVariant,
    wasmThreads: a.backend === 'wasm' ? getThreadsCount() : 0,
    tensors: { start, end: tf.memory().numTensors },
  };
}
