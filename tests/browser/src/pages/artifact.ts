/**
 * Browser page for the artifact tests: builds, saves and loads models with `@rnnkit/models` on
 * the backend asked for, and answers with plain numbers (see `src/artifact.test.ts`).
 */
import { generate, load, save } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  charInput,
  charModel,
  type Fixture,
  maxAbsDiff,
  predictRows,
  seriesInput,
  seriesModel,
} from '../fixtures.js';
import { expose } from '../page-api.js';

tf.env().set('PROD', true);

// the test serves tfjs-backend-wasm's dist/ folder here (its .wasm files are not bundled)
setWasmPaths('/tfjs-wasm/');

async function useBackend(backend: string): Promise<string> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend '${backend}' failed to start here`);
  await tf.ready();
  return tf.getBackend();
}

/** What a round trip reports: differences, the meta both ways, and tensor counts. */
export interface RoundTrip {
  backend: string;
  maxDiff: number;
  /** The freshly built model's outputs, flat. */
  before: number[];
  savedMeta: string;
  loadedMeta: string;
  /** tf.memory().numTensors: before anything, after build+save, after load+predict+dispose, at the end. */
  tensors: { start: number; saved: number; afterLoad: number; end: number };
  /** Model names in IndexedDB after saving (tf.io.listModels). */
  stored: string[];
}

async function roundTrip(
  backend: string,
  url: string,
  make: () => Fixture,
  input: number[][] | number[][][],
): Promise<RoundTrip> {
  const used = await useBackend(backend);
  const start = tf.memory().numTensors;
  const { model, meta } = make();
  const before = predictRows(model, input);
  const saved = await save(model, url, meta);
  const mid = tf.memory().numTensors;
  const stored = Object.keys(await tf.io.listModels());
  const loaded = await load(url);
  const after = predictRows(loaded.model, input);
  loaded.model.dispose();
  const afterLoad = tf.memory().numTensors;
  model.dispose();
  await tf.io.removeModel(url);
  return {
    backend: used,
    maxDiff: maxAbsDiff(before, after),
    before,
    savedMeta: JSON.stringify(saved),
    loadedMeta: JSON.stringify(loaded.meta),
    tensors: { start, saved: mid, afterLoad, end: tf.memory().numTensors },
    stored,
  };
}

expose({
  /** How many tfjs IO handlers this bundle has for an http URL and for downloads://. */
  handlers: (arg: { url: string }) => ({
    httpLoad: tf.io.getLoadHandlers(arg.url).length,
    downloadsSave: tf.io.getSaveHandlers('downloads://m').length,
  }),
  /** Which backends start here, of cpu, webgl and wasm. */
  backends: async () => {
    const ok: string[] = [];
    for (const b of ['cpu', 'webgl', 'wasm']) {
      try {
        if (await tf.setBackend(b)) ok.push(b);
      } catch {
        // a backend that cannot start (no WebGL context) is simply not listed
      }
    }
    await tf.setBackend('cpu');
    return ok;
  },
  charRoundTrip: (arg: { backend: string }) =>
    roundTrip(arg.backend, `indexeddb://rnnkit-char-${arg.backend}`, charModel, charInput()),
  seriesRoundTrip: (arg: { backend: string }) =>
    roundTrip(arg.backend, `indexeddb://rnnkit-series-${arg.backend}`, seriesModel, seriesInput()),
  /** Loads a saved folder over http and predicts on `input`. */
  loadHttp: async (arg: { url: string; input: number[][] | number[][][]; backend: string }) => {
    await useBackend(arg.backend);
    const start = tf.memory().numTensors;
    const loaded = await load(arg.url);
    const outputs = predictRows(loaded.model, arg.input);
    loaded.model.dispose();
    return {
      outputs,
      meta: JSON.stringify(loaded.meta),
      vocabSize: loaded.vocab?.size ?? null,
      tensors: { start, end: tf.memory().numTensors },
    };
  },
  /** Loads a char LM over http and generates from `prompts` with a seed. */
  generateHttp: async (arg: {
    url: string;
    prompts: number[][];
    maxLength: number;
    seed: number;
    temperature: number;
    topK: number;
  }) => {
    await useBackend('cpu');
    const start = tf.memory().numTensors;
    const loaded = await load(arg.url);
    const { generations } = generate(loaded.model, {
      prompts: arg.prompts,
      maxLength: arg.maxLength,
      seed: arg.seed,
      temperature: arg.temperature,
      topK: arg.topK,
    });
    loaded.model.dispose();
    return {
      tokens: generations.map((g) => g.tokens),
      tensors: { start, end: tf.memory().numTensors },
    };
  },
});
