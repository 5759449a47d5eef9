/**
 * Browser page for the ONNX test: generates with a saved rnnkit model (`generate`, cpu backend)
 * and with its exported step model on onnxruntime-web (wasm, `onnxGenerate`), in the same page,
 * and answers with both token lists (see `src/onnx.test.ts`).
 */
import { onnxGenerate, readOnnxMetadata, type StepStateSpec } from '@rnnkit/interop';
import { generate, load } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-web/wasm';
import { expose } from '../page-api.js';

tf.env().set('PROD', true);
// the test serves onnxruntime-web's dist/ here (its .wasm and loader .mjs are not bundled)
ort.env.wasm.wasmPaths = '/ort/';
// threads need a cross-origin-isolated page (SharedArrayBuffer); one thread is enough here
ort.env.wasm.numThreads = 1;

export interface GenerateArgs {
  modelUrl: string;
  onnxUrl: string;
  prompt: number[];
  maxLength: number;
  seed: number;
  temperature: number;
  topK: number;
}

expose({
  generateBoth: async (a: GenerateArgs) => {
    await tf.setBackend('cpu');
    const loaded = await load(a.modelUrl);
    const sampling = { temperature: a.temperature, topK: a.topK, seed: a.seed };
    const rnnkit = generate(loaded.model, {
      prompts: [a.prompt],
      maxLength: a.maxLength,
      ...sampling,
    }).generations[0]!.tokens;
    loaded.model.dispose();
    const bytes = new Uint8Array(await (await fetch(a.onnxUrl)).arrayBuffer());
    const states = JSON.parse(readOnnxMetadata(bytes)['rnnkit.states']!) as StepStateSpec[];
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const onnx = await onnxGenerate(session, ort.Tensor, states, {
      prompt: a.prompt,
      maxLength: a.maxLength,
      ...sampling,
    });
    await session.release();
    return { rnnkit, onnx };
  },
});
