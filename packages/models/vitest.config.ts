import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

/**
 * Relaxed SIMD (the gate module's fused multiply-adds, src/fast/gates-simd.ts) is on by default in
 * Node 22+ and Chromium; Node 20 has it behind a flag (which Node 22+ refuses as a bad option).
 * The tests run it everywhere and build the plain-SIMD fallback explicitly beside it.
 */
const RELAXED_SIMD_FLAG =
  Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // the speed code installed as the package's entries install it (src/test-setup.ts)
      setupFiles: ['src/test-setup.ts'],
      execArgv: RELAXED_SIMD_FLAG,
    },
  }),
);
