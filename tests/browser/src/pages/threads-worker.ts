/**
 * The dedicated worker of the threads page (`threads.ts`): trains and differentiates with the fast
 * kernel on wasm, its second halves run here (`runHalvesInline`) and then on the nested Web Worker
 * the kernel starts in an isolated context, and compares the two bit for bit. tfjs's own wasm
 * threads are off (the kernel's second thread is the extra thread).
 */
import '@rnnkit/models/web-threads';
import {
  getRecurrenceKernel,
  manyToMany,
  setRecurrenceThreads,
  startRecurrenceThreads,
} from '@rnnkit/models';
import {
  fastRecurrence,
  recurrenceThreadInfo,
  runHalvesInline,
  simdVariant,
} from '@rnnkit/models/kernels';
import { createTrainer } from '@rnnkit/training';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { serveCalls } from './worker-rpc.js';

tf.env().set('PROD', true);
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
setWasmPaths('/tfjs-wasm/');

// 16 rows of 16 steps at 64 units: a size 'auto' halves (the kernel's threshold)
const [VOCAB, SEQ, BATCH, UNITS] = [20, 16, 16, 64];

/** Deterministic values in [-scale, scale). */
function values(n: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

/** What a run produced, as the bits of its float32s. */
interface Run {
  /** each training step's loss (float64: compared exactly) */
  losses: number[];
  /** the weights after training, then the kernel's outputs and its gradients */
  bits: Uint32Array[];
  /** tf.memory().numTensors after each training step, after training and after the gradient run */
  tensors: number[];
}

const bitsOf = (t: tf.Tensor) => new Uint32Array((t.dataSync() as Float32Array).slice().buffer);

function run(steps: number): Run {
  const { model } = manyToMany({
    cell: 'lstm',
    units: UNITS,
    classes: VOCAB,
    input: { type: 'oneHot', vocabSize: VOCAB },
    seqLength: SEQ,
    seed: 1,
  });
  const trainer = createTrainer(model, {
    loss: 'sparseCategoricalCrossentropy',
    optimizer: { type: 'adam', learningRate: 1e-2 },
  });
  const ids = (seed: number) =>
    tf.tensor2d(
      Array.from(values(BATCH * SEQ, seed, 1), (v) => Math.floor((v + 1) * 0.5 * VOCAB)),
      [BATCH, SEQ],
      'int32',
    );
  const batches = [1, 2, 3].map((k) => ({ x: ids(k), y: ids(k + 10) }));
  const losses: number[] = [];
  const tensors: number[] = [];
  for (let i = 0; i < steps; i++) {
    losses.push(trainer.step(batches[i % batches.length] as (typeof batches)[number]));
    tensors.push(tf.memory().numTensors);
  }
  const bits = model.weights.map((w) => bitsOf(w.read()));
  trainer.dispose();
  model.dispose();
  tf.dispose(batches.flatMap((b) => [b.x, b.y]));
  tensors.push(tf.memory().numTensors);

  // the kernel alone on dense x: output gradient, final-state gradients and x's gradient
  const g = 4 * UNITS;
  // tf.variable copies its initial value: made in a tidy, which frees the originals
  const [x, kernel, recurrent, bias] = tf.tidy(() => [
    tf.variable(tf.tensor3d(values(BATCH * SEQ * 8, 1, 1), [BATCH, SEQ, 8])),
    tf.variable(tf.tensor2d(values(8 * g, 2, 0.6), [8, g])),
    tf.variable(tf.tensor2d(values(UNITS * g, 3, 0.5), [UNITS, g])),
    tf.variable(tf.tensor1d(values(g, 4, 0.2))),
  ]) as [tf.Variable<tf.Rank.R3>, tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R2>, tf.Variable];
  const weights = tf.tensor3d(values(BATCH * SEQ * UNITS, 5, 1), [BATCH, SEQ, UNITS]);
  const vars = [x, kernel, recurrent, bias] as tf.Variable[];
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const out = fastRecurrence({
        cell: 'lstm',
        x,
        kernel,
        recurrentKernel: recurrent,
        bias,
        h0: tf.zeros([BATCH, UNITS]),
        c0: tf.zeros([BATCH, UNITS]),
        recurrentActivation: 'sigmoid',
      });
      return tf.add(tf.sum(tf.mul(out.sequence, weights)), tf.sum(out.h)) as tf.Scalar;
    }, vars);
    bits.push(bitsOf(value), ...vars.map((v) => bitsOf(grads[v.name] as tf.Tensor)));
  });
  tf.dispose([weights, ...vars]);
  tensors.push(tf.memory().numTensors);
  return { losses, bits, tensors };
}

/** Float32 values whose bits differ between two runs, and how many were compared. */
function mismatches(a: Run, b: Run): { differ: number; compared: number } {
  let differ = 0;
  let compared = 0;
  a.bits.forEach((xs, i) => {
    const ys = b.bits[i] as Uint32Array;
    compared += xs.length;
    if (ys.length !== xs.length) differ += xs.length;
    else for (let k = 0; k < xs.length; k++) if (xs[k] !== ys[k]) differ++;
  });
  return { differ, compared };
}

export interface ThreadsResult {
  isolated: boolean;
  cores: number;
  simdVariant: string | null;
  started: boolean;
  /** the thread info before the inline run, after it and after the threaded run */
  before: ReturnType<typeof recurrenceThreadInfo>;
  after: ReturnType<typeof recurrenceThreadInfo>;
  inline: { losses: number[]; tensors: number[] };
  threaded: { losses: number[]; tensors: number[] };
  differ: number;
  compared: number;
  tensorsAtStart: number;
}

serveCalls({
  /** Trains `steps` steps with the halves inline, then on the nested worker; compares. */
  compare: async ({ steps }: { steps: number }): Promise<ThreadsResult> => {
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    setRecurrenceThreads('auto');
    // the bundle must have run @rnnkit/models' fast/install.js: the default kernel is the fast one
    if (getRecurrenceKernel() !== fastRecurrence)
      throw new Error('the fast kernel is not installed');
    const tensorsAtStart = tf.memory().numTensors;
    const before = recurrenceThreadInfo();
    runHalvesInline(true);
    const inline = run(steps);
    runHalvesInline(false);
    const started = await startRecurrenceThreads();
    const threaded = run(steps);
    const after = recurrenceThreadInfo();
    return {
      isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
      cores: navigator.hardwareConcurrency,
      simdVariant,
      started,
      before,
      after,
      inline: { losses: inline.losses, tensors: inline.tensors },
      threaded: { losses: threaded.losses, tensors: threaded.tensors },
      ...mismatches(inline, threaded),
      tensorsAtStart,
    };
  },
  /** Whether a second thread starts here (false in a context that is not isolated). */
  start: async (arg: { wasmPaths?: string } | null) => {
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    const started = await startRecurrenceThreads({ timeoutMs: 20_000, ...arg });
    return { started, info: recurrenceThreadInfo() };
  },
});
