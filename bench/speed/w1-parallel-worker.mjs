// The second thread of w1-parallel.mjs: sets its copy of the weights, returns half-batch gradients.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { glorotVar, useWasm } from './common.mjs';
import { halfBatchGrads, makeVars } from './w1-parallel-step.mjs';

await useWasm();
const vars = makeVars(workerData, glorotVar);
parentPort.postMessage('ready');
parentPort.on('message', ({ weights, ids }) => {
  // Fresh tensors each step: wasm's matMul caches its second operand by tensor identity.
  vars.forEach((v, k) => {
    const t = tf.tensor(weights[k], v.shape);
    v.assign(t);
    t.dispose();
  });
  const grads = halfBatchGrads(workerData, vars, ids);
  parentPort.postMessage(
    grads,
    grads.map((g) => g.buffer),
  );
});
