/**
 * The worker thread of `pool.ts` under Node: starts its own wasm backend, then runs
 * `worker-serve.ts` for the requests on its port, answering each on the port (then bumps the
 * shared flag the waiting thread sleeps on). Browsers get `web-worker.ts` instead.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * // started by pool.ts, not imported: new Worker(new URL('./worker.js', import.meta.url),
 * //   { workerData: { flag, port }, transferList: [port] })
 * ```
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { type MessagePort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { productsFor } from './fast-wasm.js';
import { type Reply, serve } from './worker-serve.js';

const { flag, port } = workerData as { flag: SharedArrayBuffer; port: MessagePort };
const flags = new Int32Array(flag);

/** Replies, then wakes the thread blocked on the flag. */
const reply: Reply = (msg, transfer = []) => {
  port.postMessage(msg, transfer);
  Atomics.add(flags, 0, 1);
  Atomics.notify(flags, 0);
};

try {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = dirname(
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'),
  );
  wasm.setWasmPaths(`${dir}/dist/`);
  tf.env().set('PROD', true);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  reply({ seq: 0 });
} catch (e) {
  reply({ seq: 0, error: String(e) });
}
port.on('message', serve(reply, productsFor(tf.backend())));
