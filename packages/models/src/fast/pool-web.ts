/**
 * The fast kernel's second thread in browsers: where the kernel runs in a dedicated Worker of a
 * cross-origin isolated context (`crossOriginIsolated`: SharedArrayBuffer exists, and a worker
 * may block in `Atomics.wait`), `pool.ts` starts a nested module Worker (`web-worker.ts`) with its
 * own tfjs wasm backend for the second half of each batch. Requests go by `postMessage` (the
 * nested worker's event loop is free); replies come back through a `sab-pipe.ts` pipe, which the
 * blocked thread reads synchronously. Elsewhere (a page's main thread, a context that is not
 * isolated, Node) `webThreadPossible()` is false and nothing here runs.
 *
 * The nested worker needs tfjs's wasm files: the prefix given to `startRecurrenceThreads`, else
 * the folder this thread's own wasm backend loaded its binary from (its resource timing), else
 * tfjs's default (beside the worker's script).
 *
 * The worker itself is registered by `web-threads.ts` (the entry `@rnnkit/models/web-threads`,
 * imported by the app), so only bundles that ask for it carry it.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `pool.ts` (the
 * pool), `web-threads.ts` (registers the worker), `web-worker.ts` (the nested worker),
 * `sab-pipe.ts` (the replies' pipe).
 *
 * @example
 * ```ts
 * if (webThreadPossible() && webWorkerRegistered()) {
 *   const { channel } = startWebChannel('/tfjs-wasm/'); // pool.ts sends and waits through it
 * }
 * ```
 */

import type { HeadGrads } from '../recurrence/contract.js';
import type { CoreGrads } from './fast-core.js';
import type { HalfOutputs } from './half-run.js';
import { PipeReader, pipeBuffers } from './sab-pipe.js';

/** A reply of the second thread (Node's or the browser's) to request `seq`. */
export interface Reply {
  seq: number;
  error?: string;
  out?: HalfOutputs;
  grads?: CoreGrads;
  head?: HeadGrads;
  dx?: Float32Array;
  /** the second thread's time on requests so far, ms (`worker-serve.ts`) */
  busyMs?: number;
}

/** How the pool talks to its worker: a port under Node, a shared pipe in browsers (pool-web.ts). */
export interface Channel {
  send(msg: Record<string, unknown>, transfer: ArrayBuffer[]): void;
  /** The next reply, waiting up to `ms` for one (0: not at all), else undefined. */
  next(ms: number): Reply | undefined;
}

/** The pipe's ring: W1 LSTM 256's largest reply (a half's forward outputs) is about 1 MB. */
const RING_BYTES = 8 << 20;

interface WebGlobals {
  DedicatedWorkerGlobalScope?: abstract new () => unknown;
  crossOriginIsolated?: boolean;
  Worker?: unknown;
  SharedArrayBuffer?: unknown;
}

/** Starts the nested worker: set by `web-threads.ts` (`import '@rnnkit/models/web-threads'`). */
let makeWorker: (() => Worker) | null = null;

/**
 * Registers how to start `web-worker.ts` (`web-threads.ts` does, with the bundler-friendly
 * `new Worker(new URL(...))`). Kept out of this module so that bundles which never ask for the
 * second thread carry no worker, nor `@tensorflow/tfjs-backend-wasm` (an optional peer).
 */
export function setWebWorkerFactory(factory: () => Worker): void {
  makeWorker = factory;
}

/** Whether `@rnnkit/models/web-threads` was imported (the nested worker can be started). */
export function webWorkerRegistered(): boolean {
  return makeWorker !== null;
}

/** In a dedicated worker of a cross-origin isolated context that can start a nested worker. */
export function webThreadPossible(): boolean {
  const g = globalThis as unknown as WebGlobals;
  return (
    typeof g.DedicatedWorkerGlobalScope === 'function' &&
    globalThis instanceof g.DedicatedWorkerGlobalScope &&
    g.crossOriginIsolated === true &&
    typeof g.Worker === 'function' &&
    typeof g.SharedArrayBuffer === 'function'
  );
}

/** The folder this thread's wasm backend loaded its binary from, if resource timing saw it. */
function loadedWasmFolder(): string | null {
  const entries = globalThis.performance?.getEntriesByType?.('resource') ?? [];
  for (const e of entries) {
    if (/\/tfjs-backend-wasm[\w-]*\.wasm(\?|$)/.test(e.name)) {
      return e.name.slice(0, e.name.lastIndexOf('/', e.name.search(/\.wasm/)) + 1);
    }
  }
  return null;
}

/** The message that starts `web-worker.ts`. */
export interface WebWorkerInit {
  op: 'init';
  control: SharedArrayBuffer;
  ring: SharedArrayBuffer;
  /** tfjs's wasm files' prefix, or null for tfjs's default */
  wasmPaths: string | null;
}

/**
 * Starts the nested worker (it answers seq 0 once its backend is up) and returns the channel to
 * it, a function that ends it and one that says why it failed to load.
 */
export function startWebChannel(wasmPaths: string | null): {
  channel: Channel;
  terminate: () => void;
  /** why the worker's script failed to load or run (seen between tasks), or null */
  failure: () => string | null;
} {
  const shared = pipeBuffers(RING_BYTES);
  if (makeWorker === null)
    throw new Error("internal error: no web worker factory (import '@rnnkit/models/web-threads')");
  const worker = makeWorker();
  let failure: string | null = null;
  worker.addEventListener('error', (e) => {
    failure = `the second thread's worker script failed: ${e.message || 'it did not load (did the bundler emit web-worker.js?)'}`;
  });
  const init: WebWorkerInit = {
    op: 'init',
    control: shared.control,
    ring: shared.ring,
    wasmPaths: wasmPaths ?? loadedWasmFolder(),
  };
  worker.postMessage(init);
  const reader = new PipeReader(shared);
  return {
    channel: {
      send: (msg, transfer) => worker.postMessage(msg, transfer),
      next: (ms) => reader.read(ms) as ReturnType<Channel['next']>,
    },
    terminate: () => worker.terminate(),
    failure: () => failure,
  };
}
