/**
 * Backend choice inside a demo worker: WebGL when the browser gives the worker a WebGL context
 * (OffscreenCanvas), else the CPU backend. The backends are imported here, by name, because
 * bundlers drop tfjs modules that only register things as a side effect when nothing names them.
 * `?backend=cpu` on the page URL forces one (the worker receives it in its start message).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';

export type DemoBackend = 'webgl' | 'cpu';

/** Makes the first backend of the order that initialises current and returns its name. */
export async function pickBackend(wanted?: DemoBackend | null): Promise<DemoBackend> {
  tf.env().set('PROD', true); // no tfjs console banner; numerics are unchanged
  const order: DemoBackend[] = wanted ? [wanted] : ['webgl', 'cpu'];
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

/** `?backend=cpu|webgl` from the page URL, or null for the automatic choice. */
export function backendFromUrl(search: string): DemoBackend | null {
  const b = new URLSearchParams(search).get('backend');
  return b === 'cpu' || b === 'webgl' ? b : null;
}
