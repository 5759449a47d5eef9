/**
 * The one worker script of every demo: the page starts it with `startDemoWorker` (`defaults.ts`),
 * whose first message names the demo, and the worker loads that demo's code on demand. One script
 * means one copy of tfjs, downloaded once and shared by the demos through the browser's cache.
 * Messages that arrive while the demo's code is loading are handled in order once it is there.
 */
import type { WorkerDemo } from './defaults.js';

type Handler = (data: never) => void;

const LOADERS: Record<WorkerDemo, () => Promise<{ handle: Handler }>> = {
  'char-model': () => import('./char-model.worker.js'),
  'window-regression': () => import('./window-regression.worker.js'),
  generate: () => import('./generate.worker.js'),
  'cell-explorer': () => import('./cell-explorer.worker.js'),
};

const scope = self as unknown as {
  postMessage(m: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
};

const fail = (err: unknown) =>
  scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });

let ready: Promise<Handler> | null = null;

scope.onmessage = (e) => {
  if (!ready) {
    const demo = (e.data as { demo?: WorkerDemo }).demo;
    const loader = demo ? LOADERS[demo] : undefined;
    if (!loader) return fail(new Error(`the demo worker's first message names no demo it knows`));
    scope.postMessage({ type: 'progress', message: 'loading TensorFlow.js' });
    ready = loader().then((m) => m.handle);
    ready.then(
      () => scope.postMessage({ type: 'progress', message: 'TensorFlow.js loaded' }),
      fail,
    );
    return;
  }
  ready.then((handle) => handle(e.data as never)).catch(() => {});
};
