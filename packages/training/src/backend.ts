/**
 * Backend selection: `setup({ backend })` loads the tfjs backend package on demand, initialises it
 * and makes it current. `auto` picks the fastest one available: in Node `wasm` (SIMD; about 4x
 * `cpu` when training a char LSTM), in browsers `wasm` too (rnnkit's recurrence kernel, fused
 * heads and Adam run on its heap; on a GPU backend each step of a sequence reads its product
 * back: W1 LSTM 256 in Chromium trained about 7x slower on webgl, bench/speed/browser.mjs), then
 * `webgpu` when `navigator.gpu` exists, `webgl`, and `cpu`. The choice is logged.
 *
 * The backend packages are optional peer dependencies: install the ones you use. They are loaded
 * with dynamic `import()`; a bundler that cannot see those imports needs the backend imported by
 * the app itself (`import '@tensorflow/tfjs-backend-webgl'`), which `setup` then finds registered.
 *
 * @example
 * ```ts
 * import { setup } from '@rnnkit/training';
 * const { backend } = await setup({ backend: 'auto', logger: console.log });
 * // backend: wasm (auto: fastest measured in Node; cpu is about 4x slower)
 * backend; // 'wasm'
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { TrainingError } from './errors.js';

export type BackendName = 'cpu' | 'wasm' | 'webgl' | 'webgpu';
export type BackendChoice = BackendName | 'auto';

export const BACKENDS: readonly BackendName[] = ['cpu', 'wasm', 'webgl', 'webgpu'];

export interface SetupArgs {
  /** Default 'auto'. */
  backend?: BackendChoice;
  /** Receives one line saying which backend was chosen and why. */
  logger?: (line: string) => void;
  /** Folder (or URL) of the wasm binaries. Default in Node: the package's `dist/` folder. */
  wasmPath?: string;
  /** Silence tfjs's console banner (sets the PROD flag; numerics are unchanged). Default true. */
  quiet?: boolean;
}

export interface SetupResult {
  backend: BackendName;
  /** Why it was chosen (the line that went to the logger). */
  reason: string;
}

const PACKAGE: Record<BackendName, string> = {
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgl: '@tensorflow/tfjs-backend-webgl',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
};

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Imports a module by a computed name, so that TypeScript and bundlers do not require it. */
const importOptional = (name: string): Promise<Record<string, unknown>> => import(name);

async function load(name: BackendName, args: SetupArgs): Promise<void> {
  if (!tf.findBackendFactory(name)) {
    let mod: Record<string, unknown>;
    try {
      mod = await importOptional(PACKAGE[name]);
    } catch (e) {
      throw new TrainingError(
        'BACKEND_UNAVAILABLE',
        `backend '${name}' is not installed (${(e as Error).message}): run \`pnpm add ${PACKAGE[name]}@4.22.0\`, or choose another of ${BACKENDS.join(', ')}`,
        { cause: e },
      );
    }
    if (name === 'wasm') {
      const setWasmPaths = mod.setWasmPaths as ((p: string) => void) | undefined;
      const path = args.wasmPath ?? (isNode() ? await wasmDistFolder() : undefined);
      if (path && setWasmPaths) setWasmPaths(path);
    }
  } else if (name === 'wasm' && args.wasmPath) {
    const mod = await importOptional(PACKAGE.wasm);
    (mod.setWasmPaths as (p: string) => void)(args.wasmPath);
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    throw new TrainingError(
      'BACKEND_UNAVAILABLE',
      `backend '${name}' failed to initialise: ${(e as Error).message}: choose another of ${BACKENDS.join(', ')}`,
      { cause: e },
    );
  }
  if (!ok) {
    throw new TrainingError(
      'BACKEND_UNAVAILABLE',
      `backend '${name}' failed to initialise on this platform: choose another of ${BACKENDS.join(', ')}`,
    );
  }
}

/** Node: the wasm package's dist/ folder, where its .wasm files are (setWasmPaths wants a '/'). */
async function wasmDistFolder(): Promise<string> {
  const { createRequire } = await import('node:module');
  const { dirname, join } = await import('node:path');
  const require = createRequire(import.meta.url);
  const main = require.resolve(PACKAGE.wasm); // .../dist/tf-backend-wasm.node.js
  return `${join(dirname(main), '/')}`.replace(/\/?$/, '/');
}

/**
 * The candidates `auto` tries, best first, with the reason for the first; `where` says whether
 * this is Node and whether the browser has WebGPU (default: this runtime's).
 */
export function autoOrder(
  where: { node: boolean; gpu: boolean } = {
    node: isNode(),
    gpu: typeof navigator !== 'undefined' && 'gpu' in navigator,
  },
): { order: BackendName[]; why: string } {
  if (where.node) {
    return {
      order: ['wasm', 'cpu'],
      why: 'fastest measured in Node; cpu is about 4x slower',
    };
  }
  return {
    order: where.gpu ? ['wasm', 'webgpu', 'webgl', 'cpu'] : ['wasm', 'webgl', 'cpu'],
    why: "fastest measured for rnnkit's recurrent models in a browser; webgl about 7x slower",
  };
}

/** Loads, initialises and selects a tfjs backend; see the module header for `auto`. */
export async function setup(args: SetupArgs = {}): Promise<SetupResult> {
  const choice = args.backend ?? 'auto';
  if (choice !== 'auto' && !BACKENDS.includes(choice)) {
    throw new TrainingError(
      'BAD_OPTION',
      `unknown backend ${JSON.stringify(choice)}: expected auto or one of ${BACKENDS.join(', ')}`,
    );
  }
  if (args.quiet ?? true) tf.env().set('PROD', true);
  const log = args.logger ?? (() => {});
  if (choice !== 'auto') {
    await load(choice, args);
    const reason = `backend: ${choice} (requested)`;
    log(reason);
    return { backend: choice, reason };
  }
  const { order, why } = autoOrder();
  const failures: string[] = [];
  for (const name of order) {
    try {
      await load(name, args);
      const reason =
        failures.length === 0
          ? `backend: ${name} (auto: ${why})`
          : `backend: ${name} (auto: ${failures.join('; ')})`;
      log(reason);
      return { backend: name, reason };
    } catch (e) {
      failures.push(`${name} unavailable`);
      if (name === order[order.length - 1]) throw e;
    }
  }
  throw new TrainingError('BACKEND_UNAVAILABLE', 'no tfjs backend could be initialised');
}
