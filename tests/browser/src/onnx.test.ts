/**
 * Issue 23 in a real browser: an rnnkit char LM saved in Node and its step model exported to
 * ONNX in Node; in the page, onnxruntime-web (wasm) generates from the step model the same tokens
 * as rnnkit's `generate` in the same page, and as Node.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exportOnnx, onnxMetadata } from '@rnnkit/interop';
import { generate, save } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { charModel, charVocab } from './fixtures.js';
import { openPage, type PageSession } from './harness.js';
import type { GenerateArgs } from './pages/onnx.js';

const ENTRY = new URL('./pages/onnx.ts', import.meta.url);
/** onnxruntime-web's dist/ (its .wasm binaries and their loaders), served at /ort/. */
const ORT_DIR = dirname(
  createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'),
);

let session: PageSession;
let tmp: string;
let nodeTokens: number[];
const settings = { maxLength: 300, seed: 21, temperature: 0.9, topK: 6 };
const prompt = [...charVocab().encode(' my ')];

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  tmp = await mkdtemp(join(tmpdir(), 'rnnkit-onnx-web-'));
  const { model, meta } = charModel();
  await save(model, join(tmp, 'char'), meta);
  const bytes = exportOnnx(model, { step: true, metadata: onnxMetadata(meta) });
  await writeFile(join(tmp, 'char-step.onnx'), bytes);
  nodeTokens = generate(model, { prompts: [prompt], ...settings }).generations[0]!.tokens;
  model.dispose();
  session = await openPage({ entry: ENTRY, mounts: { '/models/': tmp, '/ort/': ORT_DIR } });
});

afterAll(async () => {
  await session?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('onnxruntime-web in Chromium', () => {
  it('generates from the exported step model the same tokens as rnnkit in the page', async () => {
    const args: GenerateArgs = {
      modelUrl: `${session.server.origin}/models/char/model.json`,
      onnxUrl: `${session.server.origin}/models/char-step.onnx`,
      prompt,
      ...settings,
    };
    const r = await session.call<{ rnnkit: number[]; onnx: number[] }>('generateBoth', args);
    expect(r.onnx).toHaveLength(settings.maxLength);
    expect(r.onnx).toEqual(r.rnnkit);
    expect(r.rnnkit).toEqual(nodeTokens);
    expect(session.errors()).toEqual([]);
  });
});
