/**
 * Browser page for the W1 speed bench (bench/speed/browser.mjs): W1's training (`w1-train.ts`) on
 * this page's main thread (`w1`), or in a dedicated worker (`w1Worker`, `w1-bench-worker.ts`:
 * rnnkit's fast kernel with or without its second thread, which needs the page cross-origin
 * isolated), and what runs the page (`info`); `oneThreadWasm` keeps tfjs wasm's one-thread build
 * on an isolated page's main thread.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { simdVariant } from '@rnnkit/models/kernels';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { expose } from '../page-api.js';
import { w1 } from './w1-train.js';
import { workerCaller } from './worker-rpc.js';

tf.env().set('PROD', true);
setWasmPaths('/tfjs-wasm/');

const inWorker = workerCaller(
  new Worker(new URL('./w1-bench-worker.ts', import.meta.url), { type: 'module' }),
);

/** What runs the page: the browser, the WebGL renderer (SwiftShader here), the gate module. */
async function info(): Promise<{
  userAgent: string;
  webgl: string;
  simdVariant: string | null;
  isolated: boolean;
}> {
  const gl = document.createElement('canvas').getContext('webgl2');
  const ext = gl?.getExtension('WEBGL_debug_renderer_info');
  const webgl = gl && ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'none';
  return { userAgent: navigator.userAgent, webgl, simdVariant, isolated: crossOriginIsolated };
}

/**
 * Keeps tfjs's wasm backend on its one-thread SIMD build on this page even where the page is
 * cross-origin isolated (call before the first run on wasm, which starts the backend).
 */
function oneThreadWasm(): boolean {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  return true;
}

expose({
  w1: w1 as (arg: never) => unknown,
  oneThreadWasm,
  w1Worker: ((arg: unknown) => inWorker('w1', arg)) as (arg: never) => unknown,
  info,
});
