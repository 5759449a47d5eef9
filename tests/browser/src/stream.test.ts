/**
 * Streaming numeric inference in a real browser: `stream(model)` equals the full-sequence model
 * within 1e-5 at every step on cpu and wasm in headless Chromium, and 1000 pushes leave the
 * tensor count flat. The same bars in Node: packages/models/src/topologies/stream.test.ts.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type PageSession } from './harness.js';
import type { StreamCheck } from './pages/stream.js';

const ENTRY = new URL('./pages/stream.ts', import.meta.url);
const WASM_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')),
  'dist',
);

let session: PageSession;

beforeAll(async () => {
  session = await openPage({ entry: ENTRY, mounts: { '/tfjs-wasm/': WASM_DIR } });
});

afterAll(async () => {
  await session?.close();
});

describe('stream(model) in Chromium', () => {
  for (const backend of ['cpu', 'wasm']) {
    for (const [cell, perStep] of [
      ['lstm', false],
      ['gru', true],
      ['rnn', false],
    ] as const) {
      it(`${backend} ${cell} ${perStep ? 'manyToMany' : 'manyToOne'}: equal to the full model, no tensor growth`, async () => {
        const r = await session.call<StreamCheck>('check', { backend, cell, perStep });
        expect(r.backend).toBe(backend);
        expect(r.steps).toBe(10);
        expect(r.diff).toBeLessThan(1e-5);
        expect(r.tensors.end).toBe(r.tensors.start);
        expect(session.errors()).toEqual([]);
      });
    }
  }
});
