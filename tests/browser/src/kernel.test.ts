/**
 * Issue 7's equivalence bar in a real browser: rnnkit's fast recurrence kernel gives stock
 * tfjs-layers' numbers on every backend that starts in headless Chromium, forward outputs and
 * gradients (x and every weight): within 1e-5 / 1e-4 on cpu and wasm, 1e-3 on WebGL (float32
 * textures through SwiftShader). The same bars in Node: packages/models/src/layers/*.test.ts.
 * Chromium has relaxed SIMD on: the kernel's LSTM gate module is its relaxed build there (fused
 * multiply-adds), and gives stock tfjs-layers' numbers on the cpu backend within 1e-5 / 1e-4.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type PageSession } from './harness.js';
import type { Comparison } from './pages/kernel.js';

interface RelaxedCheck {
  variant: string | null;
  relaxedSimd: boolean;
  comparison: Comparison;
}

const ENTRY = new URL('./pages/kernel.ts', import.meta.url);
const WASM_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')),
  'dist',
);
const BARS: Record<string, { forward: number; gradients: number }> = {
  cpu: { forward: 1e-5, gradients: 1e-4 },
  wasm: { forward: 1e-5, gradients: 1e-4 },
  webgl: { forward: 1e-3, gradients: 1e-3 },
};

let session: PageSession;

beforeAll(async () => {
  session = await openPage({ entry: ENTRY, mounts: { '/tfjs-wasm/': WASM_DIR }, webgl: true });
});

afterAll(async () => {
  await session?.close();
});

describe('fast recurrence kernel vs stock tfjs-layers in Chromium', () => {
  it('cpu, wasm and webgl start here', async () => {
    const backends = await session.call<string[]>('backends', null);
    expect(backends).toEqual(expect.arrayContaining(['cpu', 'wasm', 'webgl']));
  });

  for (const backend of ['cpu', 'wasm', 'webgl']) {
    for (const cell of ['lstm', 'gru', 'rnn']) {
      it(`${backend} ${cell}: same outputs and gradients`, async () => {
        const r = await session.call<Comparison>('compare', { backend, cell });
        console.log(
          `${backend} ${cell}: forward ${r.forward.toExponential(2)}, gradients ${r.gradients.toExponential(2)} (largest gradient ${r.gradScale.toFixed(3)})`,
        );
        expect(r.backend).toBe(backend);
        const bar = BARS[backend] as { forward: number; gradients: number };
        expect(r.forward).toBeLessThanOrEqual(bar.forward);
        expect(r.gradients).toBeLessThanOrEqual(bar.gradients);
        expect(r.gradScale).toBeGreaterThan(0.01); // the gradients are not trivially zero
        expect(r.tensors.end).toBe(r.tensors.start);
        expect(session.errors()).toEqual([]);
      });
    }
  }
});

describe('relaxed SIMD in Chromium', () => {
  for (const backend of ['wasm', 'cpu']) {
    it(`the relaxed gate module runs; fast on ${backend} = stock on cpu (LSTM, 32 units)`, async () => {
      const r = await session.call<RelaxedCheck>('relaxedSimd', { backend });
      const c = r.comparison;
      console.log(
        `relaxed (${r.variant}) ${backend} vs cpu: forward ${c.forward.toExponential(2)}, gradients ${c.gradients.toExponential(2)}`,
      );
      expect(r.relaxedSimd).toBe(true);
      expect(r.variant).toBe('relaxed');
      expect(c.backend).toBe(backend);
      expect(c.forward).toBeLessThanOrEqual(1e-5);
      expect(c.gradients).toBeLessThanOrEqual(1e-4);
      expect(c.gradScale).toBeGreaterThan(0.01);
      expect(c.tensors.end).toBe(c.tensors.start);
      expect(session.errors()).toEqual([]);
    });
  }
});
