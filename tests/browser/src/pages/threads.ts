/**
 * The fast kernel's second thread in a browser (threads.test.ts): the page starts a dedicated
 * worker (`threads-worker.ts`) that trains there, and asks, on its own main thread, whether a
 * second thread would start (never: a page's main thread may not block).
 */
import '@rnnkit/models/web-threads';
import { startRecurrenceThreads } from '@rnnkit/models';
import { recurrenceThreadInfo } from '@rnnkit/models/kernels';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { expose } from '../page-api.js';
import { workerCaller } from './worker-rpc.js';

setWasmPaths('/tfjs-wasm/');
const call = workerCaller(
  new Worker(new URL('./threads-worker.ts', import.meta.url), { type: 'module' }),
);

expose({
  worker: (async ({ name, arg }: { name: string; arg: unknown }) => call(name, arg)) as (
    arg: never,
  ) => unknown,
  mainThread: async () => {
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    return {
      isolated: crossOriginIsolated,
      started: await startRecurrenceThreads({ timeoutMs: 5000 }),
      info: recurrenceThreadInfo(),
    };
  },
});
