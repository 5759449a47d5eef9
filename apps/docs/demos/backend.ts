/**
 * Backend choice inside the demo worker. For recurrent nets of the demos' size the time per step
 * is mostly dispatch (a kernel launch per op), not arithmetic, so the backend that is fastest for
 * big matrices (WebGL) is often the slowest here. With no backend asked for, `pickBackend` times a
 * short probe shaped like the demo's recurrence (a few steps of h = tanh(x W + h U), read back each
 * few steps as training does) on every backend that starts, and keeps the fastest. The backends are
 * imported here, by name, because bundlers drop tfjs modules that only register things as a side
 * effect when nothing names them. `?backend=webgl|wasm|cpu` on the page URL forces one (the worker
 * receives it in its start message).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKEND_ORDER, type DemoBackend } from './defaults.js';

/** The probe's steps between read-backs, its timed rounds and its untimed warm-up rounds. */
const PROBE_STEPS = 4;
const PROBE_ROUNDS = 5;
const PROBE_WARMUP = 2;

/** The backend picked and, when it was measured, each backend's probe time in ms (null: it did not start). */
export interface BackendChoice {
  backend: DemoBackend;
  probe: Partial<Record<DemoBackend, number | null>> | null;
}

/**
 * Where the WASM binaries are: `public/wasm/` of the site (copied from
 * `@tensorflow/tfjs-backend-wasm/dist` by `scripts/prepare.mjs`), served as `<base>wasm/`. The
 * worker's script is `<base>assets/<name>.js` once built (and `<base>demos/<name>.ts` in `vitepress
 * dev`), so `../wasm/` from it is the folder under any site base, with no request to a CDN.
 */
export function wasmPath(workerUrl: string): string {
  return new URL('../wasm/', workerUrl).href;
}

/** Milliseconds for PROBE_ROUNDS rounds of PROBE_STEPS recurrent steps of `units` units, each round read back. */
function probe(units: number): number {
  const round = (x: tf.Tensor2D, w: tf.Tensor2D, u: tf.Tensor2D) =>
    tf.tidy(() => {
      let h = tf.zeros([1, units]) as tf.Tensor2D;
      for (let s = 0; s < PROBE_STEPS; s++)
        h = tf.tanh(tf.add(tf.matMul(x, w), tf.matMul(h, u))) as tf.Tensor2D;
      return h.dataSync()[0]!;
    });
  const [x, w, u] = [
    tf.ones([1, units]) as tf.Tensor2D,
    tf.fill([units, units], 0.01) as tf.Tensor2D,
    tf.fill([units, units], -0.01) as tf.Tensor2D,
  ];
  try {
    for (let r = 0; r < PROBE_WARMUP; r++) round(x, w, u); // shader compilation, wasm start-up
    const t0 = performance.now();
    for (let r = 0; r < PROBE_ROUNDS; r++) round(x, w, u);
    return performance.now() - t0;
  } finally {
    tf.dispose([x, w, u]);
  }
}

async function start(name: DemoBackend): Promise<boolean> {
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    return true;
  } catch {
    return false; // a worker without OffscreenCanvas WebGL throws here
  }
}

/**
 * Makes a backend current and returns it: `wanted` when given, else the fastest on a probe of a
 * recurrence with `units` units (`onProbe` hears each backend as it is measured, for the page's
 * progress line).
 */
export async function pickBackend(
  wanted: DemoBackend | null | undefined,
  units: number,
  onProbe: (backend: DemoBackend) => void = () => {},
): Promise<BackendChoice> {
  tf.env().set('PROD', true); // no tfjs console banner; numerics are unchanged
  setWasmPaths(wasmPath(self.location.href));
  if (wanted) {
    if (await start(wanted)) return { backend: wanted, probe: null };
    throw new Error(`the ${wanted} backend could not start in this browser (?backend=${wanted})`);
  }
  const times: Partial<Record<DemoBackend, number | null>> = {};
  for (const name of BACKEND_ORDER) {
    onProbe(name);
    times[name] = (await start(name)) ? probe(units) : null;
  }
  const started = BACKEND_ORDER.filter((b) => times[b] != null);
  if (started.length === 0)
    throw new Error(`no tfjs backend could start (tried ${BACKEND_ORDER.join(', ')})`);
  const best = started.reduce((a, b) => (times[b]! < times[a]! ? b : a));
  await start(best);
  return { backend: best, probe: times };
}
