/**
 * Backend choice inside a demo worker: WebGL when the browser gives the worker a WebGL context
 * (OffscreenCanvas), else WASM (WebAssembly, with SIMD where the browser has it), else the CPU
 * backend. The backends are imported here, by name, because bundlers drop tfjs modules that only
 * register things as a side effect when nothing names them. `?backend=webgl|wasm|cpu` on the page
 * URL forces one (the worker receives it in its start message).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type DemoBackend = 'webgl' | 'wasm' | 'cpu';

/** The automatic order: the first that initialises is used. */
export const BACKEND_ORDER: readonly DemoBackend[] = ['webgl', 'wasm', 'cpu'];

/**
 * Where the WASM binaries are: `public/wasm/` of the site (copied from
 * `@tensorflow/tfjs-backend-wasm/dist` by `scripts/prepare.mjs`), served as `<base>wasm/`. The
 * worker's script is `<base>assets/<name>.js` once built (and `<base>demos/<name>.ts` in `vitepress
 * dev`), so `../wasm/` from it is the folder under any site base, with no request to a CDN.
 */
export function wasmPath(workerUrl: string): string {
  return new URL('../wasm/', workerUrl).href;
}

/** Makes the first backend of the order that initialises current and returns its name. */
export async function pickBackend(wanted?: DemoBackend | null): Promise<DemoBackend> {
  tf.env().set('PROD', true); // no tfjs console banner; numerics are unchanged
  setWasmPaths(wasmPath(self.location.href));
  const order = wanted ? [wanted] : BACKEND_ORDER;
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // try the next one: a worker without OffscreenCanvas WebGL throws here
    }
  }
  throw new Error(`no tfjs backend could start (tried ${order.join(', ')})`);
}

/** `?backend=webgl|wasm|cpu` from the page URL, or null for the automatic choice. */
export function backendFromUrl(search: string): DemoBackend | null {
  const b = new URLSearchParams(search).get('backend');
  return (BACKEND_ORDER as readonly string[]).includes(b ?? '') ? (b as DemoBackend) : null;
}
