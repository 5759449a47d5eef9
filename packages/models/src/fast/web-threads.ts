/**
 * `@rnnkit/models/web-threads`: import it (for its effect) in the dedicated worker that trains, in
 * a cross-origin isolated page, to give the fast kernel its second thread there: it registers the
 * nested module worker (`web-worker.ts`) with `pool-web.ts`, written the way bundlers (Vite,
 * webpack 5, Parcel) find and emit a worker. The worker runs tfjs's wasm backend, so the app needs
 * `@tensorflow/tfjs-backend-wasm`. Apps that do not import this entry bundle no worker.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `pool-web.ts` (what
 * it registers with), `web-worker.ts` (the worker it starts).
 *
 * @example
 * ```ts
 * import '@rnnkit/models/web-threads';
 * import { startRecurrenceThreads } from '@rnnkit/models';
 * await startRecurrenceThreads(); // true in a worker of an isolated page, on wasm
 * ```
 *
 * @packageDocumentation
 */
import { setWebWorkerFactory } from './pool-web.js';

setWebWorkerFactory(
  () => new Worker(new URL('./web-worker.js', import.meta.url), { type: 'module' }),
);
