/**
 * Browser page for the stream test: `stream(model)` of `@rnnkit/models` pushed one row at a time
 * against the full-sequence model on every prefix, on the backend asked for, with the tensor count
 * before and after 1000 pushes.
 */
import { manyToMany, manyToOne, stream } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expose } from '../page-api.js';

tf.env().set('PROD', true);
setWasmPaths('/tfjs-wasm/');

export interface StreamCheck {
  backend: string;
  /** max |stream - full model| over every step */
  diff: number;
  steps: number;
  /** tf.memory().numTensors before and after 1000 more pushes */
  tensors: { start: number; end: number };
}

const F = 3;
const row = (t: number): number[] => [Math.sin(t), Math.cos(1.7 * t), 0.3 * Math.sin(0.4 * t)];

async function check(arg: {
  backend: string;
  cell: 'rnn' | 'lstm' | 'gru';
  perStep: boolean;
}): Promise<StreamCheck> {
  if (!(await tf.setBackend(arg.backend))) throw new Error(`backend '${arg.backend}' failed`);
  await tf.ready();
  const input = { type: 'features', features: F } as const;
  const { model } = arg.perStep
    ? manyToMany({ cell: arg.cell, layers: 2, units: 5, input, classes: 2, seed: 2 })
    : manyToOne({
        cell: arg.cell,
        layers: 2,
        units: 5,
        input,
        head: { type: 'regression' },
        seed: 2,
      });
  const T = 10;
  const rows = Array.from({ length: T }, (_, t) => row(t));
  const s = stream(model);
  let diff = 0;
  for (let t = 0; t < T; t++) {
    const got = s.push(rows[t]!);
    const want = tf.tidy(() => {
      const y = model.predict(tf.tensor3d([rows.slice(0, t + 1)])) as tf.Tensor;
      const all = y.dataSync();
      return arg.perStep ? all.slice(t * 2, t * 2 + 2) : all;
    });
    for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
  }
  const start = tf.memory().numTensors;
  for (let t = 0; t < 1000; t++) s.push(row(t));
  const end = tf.memory().numTensors;
  s.dispose();
  model.dispose();
  return { backend: tf.getBackend(), diff, steps: T, tensors: { start, end } };
}

expose({ check });
