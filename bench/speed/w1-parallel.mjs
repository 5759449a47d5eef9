// W1 on both cores: data parallelism over two threads, this one and a worker_threads worker, each
// with its own wasm backend (tfjs's wasm build is single-threaded under Node: PERF-NOTES.md).
// Every step, each thread computes the gradients of half the batch (16 rows) with fastRecurrence;
// the worker gets the current weights and its rows' ids, returns its gradients; this thread
// averages the two (the mean loss over 32 rows) and applies Adam.
// Usage: node w1-parallel.mjs <lstm|gru|rnn> <units>; prints a RESULT line (tokens per second).
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { glorotVar, measure, prng, QUICK, report, useWasm } from './common.mjs';
import { halfBatchGrads, makeVars } from './w1-parallel-step.mjs';

const [cell = 'lstm', unitsArg = '256'] = process.argv.slice(2);
const units = Number(unitsArg);
const cfg = { cell, units, vocab: 65, seqLength: 64, rows: 16 };
await useWasm();
const vars = makeVars(cfg, glorotVar);
const opt = tf.train.adam(2e-3);
const worker = new Worker(new URL('./w1-parallel-worker.mjs', import.meta.url), {
  workerData: cfg,
});
await new Promise((resolve) => worker.once('message', resolve)); // worker ready

const rand = prng(1);
const batchIds = () =>
  new Int32Array(2 * cfg.rows * (cfg.seqLength + 1)).map(() => Math.floor(rand() * cfg.vocab));
const batches = Array.from({ length: 4 }, batchIds);
const half = cfg.rows * (cfg.seqLength + 1);
let i = 0;
const step = async () => {
  const ids = batches[i++ % batches.length];
  const weights = vars.map((v) => v.dataSync().slice());
  const fromWorker = new Promise((resolve) => worker.once('message', resolve));
  worker.postMessage(
    { weights, ids: ids.slice(half) },
    weights.map((w) => w.buffer),
  );
  const mine = halfBatchGrads(cfg, vars, ids.subarray(0, half)); // Float32Arrays, one per var
  const theirs = await fromWorker;
  const grads = {};
  vars.forEach((v, k) => {
    const a = mine[k];
    const b = theirs[k];
    for (let j = 0; j < a.length; j++) a[j] = 0.5 * (a[j] + b[j]);
    grads[v.name] = tf.tensor(a, v.shape);
  });
  opt.applyGradients(grads);
  tf.dispose(Object.values(grads));
};

const rates = await measure(step, {
  warmup: 3,
  runs: QUICK ? 2 : 3,
  steps: QUICK ? 4 : 10,
  work: 2 * cfg.rows * cfg.seqLength,
});
report(`w1.${cell}${units}.parallel2`, rates, { tensors: tf.memory().numTensors });
await worker.terminate();
