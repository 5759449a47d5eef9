/**
 * The nested Web Worker of `pool-web.ts`: the browser's second thread for the fast kernel. Starts
 * its own tfjs wasm backend (one thread: it is the extra thread), then runs `worker-serve.ts` for
 * the requests that come by `postMessage`, writing each reply into the shared pipe the requesting
 * thread reads while it blocks (`sab-pipe.ts`).
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `pool-web.ts` (the
 * other end), `worker.ts` (the same under Node), `worker-serve.ts` (what both run).
 *
 * @example
 * ```ts
 * // started by pool-web.ts, not imported:
 * // new Worker(new URL('./web-worker.js', import.meta.url), { type: 'module' })
 * ```
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { productsFor } from './fast-wasm.js';
import type { WebWorkerInit } from './pool-web.js';
import { PipeWriter } from './sab-pipe.js';
import { type Request, serve } from './worker-serve.js';

const scope = globalThis as unknown as {
  onmessage: ((e: { data: unknown }) => void) | null;
};

/** Requests that came while the backend started (none should: the pool waits for seq 0). */
const early: Request[] = [];

scope.onmessage = (e) => {
  const init = e.data as WebWorkerInit;
  scope.onmessage = (m) => early.push(m.data as Request);
  const pipe = new PipeWriter({ control: init.control, ring: init.ring });
  const reply = (msg: Record<string, unknown>) => pipe.write(msg);
  void (async () => {
    try {
      if (init.wasmPaths !== null) setWasmPaths(init.wasmPaths);
      tf.env().set('PROD', true);
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    } catch (err) {
      reply({ seq: 0, error: `the second thread's wasm backend failed: ${String(err)}` });
      return;
    }
    const handle = serve(reply, productsFor(tf.backend()));
    scope.onmessage = (m) => handle(m.data as Request);
    reply({ seq: 0 });
    for (const m of early.splice(0)) handle(m);
  })();
};
