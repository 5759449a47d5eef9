/**
 * The tfjs backend of a command: `auto` (the default) takes the fastest that loads, wasm (SIMD
 * kernels, many times faster than cpu at training and running these models), else cpu; `cpu` or
 * `wasm` forces one. The choice is said in one line. Both give the same results up to float
 * rounding; a seed gives the same numbers again on the same backend.
 */
import { setup } from '@rnnkit/training';

export type BackendChoice = 'auto' | 'cpu' | 'wasm';

export interface ChosenBackend {
  backend: 'cpu' | 'wasm';
  /** `backend: wasm (auto: ...)`: the line for people. */
  line: string;
}

export async function useBackend(choice: BackendChoice = 'auto'): Promise<ChosenBackend> {
  // quiet: only silences tfjs's console warnings (such as "install tfjs-node"); numerics unchanged
  const r = await setup({ backend: choice, quiet: true });
  const backend = r.backend as 'cpu' | 'wasm';
  const line =
    choice !== 'auto'
      ? `backend: ${backend} (--backend ${choice})`
      : backend === 'wasm'
        ? 'backend: wasm (auto: the fastest that loads here; --backend cpu forces cpu)'
        : 'backend: cpu (auto: wasm did not load here, cpu is the fallback)';
  return { backend, line };
}
