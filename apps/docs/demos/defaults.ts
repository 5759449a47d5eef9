/**
 * What the demo pages need on the main thread without TensorFlow.js (beside `@rnnkit/demo`'s
 * settings and charts): the backend names, `?backend=` from the address and the demo worker. The demo code proper (tfjs, the models) runs in
 * the one demo worker (`demo.worker.ts`), so a page downloads tfjs only when a demo starts.
 */

export type DemoBackend = 'webgl' | 'wasm' | 'cpu';

/** The backends a demo can run on, in the order the probe tries them. */
export const BACKEND_ORDER: readonly DemoBackend[] = ['webgl', 'wasm', 'cpu'];

/** `?backend=webgl|wasm|cpu` from the page URL, or null for the automatic choice. */
export function backendFromUrl(search: string): DemoBackend | null {
  const b = new URLSearchParams(search).get('backend');
  return (BACKEND_ORDER as readonly string[]).includes(b ?? '') ? (b as DemoBackend) : null;
}

/** The demos that run in the worker; the first message to the worker names one. */
export type WorkerDemo = 'char-model' | 'window-regression' | 'generate' | 'cell-explorer';

/** Starts the shared demo worker for `demo` (one script, so tfjs is downloaded and cached once). */
export function startDemoWorker(demo: WorkerDemo): Worker {
  const worker = new Worker(new URL('./demo.worker.ts', import.meta.url), { type: 'module' });
  worker.postMessage({ type: 'demo', demo });
  return worker;
}

/**
 * The probe's result in one line for the page: `fastest of webgl 120 ms, wasm 8 ms, cpu 15 ms`, or
 * `chosen by ?backend=` when the address forced it.
 */
export function describeProbe(probe: Partial<Record<DemoBackend, number | null>> | null): string {
  if (!probe) return 'chosen by ?backend= in the address';
  const parts = BACKEND_ORDER.filter((b) => b in probe).map((b) =>
    probe[b] == null ? `${b} did not start` : `${b} ${probe[b]!.toFixed(0)} ms`,
  );
  return `the fastest on a short probe (${parts.join(', ')})`;
}
