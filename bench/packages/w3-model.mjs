// W3's model (bench/speed/w3.mjs) for the package benches: a 1-layer LSTM(256) char model,
// vocab 65, one-hot input, seeded weights, on the wasm backend (tfjs-backend-wasm's binaries
// from node_modules). Not a bench itself (bench/run.mjs runs only *.bench.mjs).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { manyToMany } from '@rnnkit/models';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

export const VOCAB = 65;
export const UNITS = 256;

/** Starts the wasm backend. */
export async function useWasm() {
  const wasmDir = dirname(
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'),
  );
  setWasmPaths(`${join(wasmDir, 'dist')}/`);
  tf.env().set('PROD', true);
  await tf.setBackend('wasm');
  await tf.ready();
}

/** W3's model: manyToMany LSTM(256), one-hot ids over 65 tokens, seed 1. */
export function w3Model() {
  return manyToMany({
    cell: 'lstm',
    units: UNITS,
    classes: VOCAB,
    input: { type: 'oneHot', vocabSize: VOCAB },
    seed: 1,
  }).model;
}
