/**
 * Test helpers (not built): backend switching for cpu and wasm in Node, seeded tensors, and stock
 * tfjs-layers recurrent layers to compare rnnkit's against.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';

export const BACKENDS = ['cpu', 'wasm'] as const;
export type Backend = (typeof BACKENDS)[number];

let wasmPathsSet = false;

/** Switches tfjs to `name` (wasm loads its binary from the package's dist/ folder). */
export async function useBackend(name: Backend): Promise<void> {
  tf.env().set('PROD', true); // silence the "use tfjs-node" banner
  if (name === 'wasm' && !wasmPathsSet) {
    const pkg = createRequire(import.meta.url).resolve(
      '@tensorflow/tfjs-backend-wasm/package.json',
    );
    setWasmPaths(path.join(path.dirname(pkg), 'dist') + path.sep);
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialise`);
  await tf.ready();
}

/** Deterministic values in [-scale, scale) from a seed (mulberry32), the same on every backend. */
export function seeded(shape: number[], seed: number, scale = 0.5): tf.Tensor {
  let a = seed >>> 0;
  const size = shape.reduce((p, d) => p * d, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return tf.tensor(values, shape);
}

/** Expects two tensors (or arrays of them) to have the same shape and values within `tol`. */
export function expectClose(
  got: tf.Tensor | readonly tf.Tensor[],
  want: tf.Tensor | readonly tf.Tensor[],
  tol: number,
): void {
  const g = Array.isArray(got) ? got : [got as tf.Tensor];
  const w = Array.isArray(want) ? want : [want as tf.Tensor];
  expect(g.length).toBe(w.length);
  g.forEach((t, i) => {
    const u = w[i] as tf.Tensor;
    expect(t.shape).toEqual(u.shape);
    const a = t.dataSync();
    const b = u.dataSync();
    let worst = 0;
    for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs((a[j] ?? 0) - (b[j] ?? 0)));
    expect(worst, `tensor ${i}: max |diff|`).toBeLessThanOrEqual(tol);
  });
}

export type CellName = 'rnn' | 'lstm' | 'gru';

export interface StockArgs {
  units: number;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  activation?: 'tanh' | 'relu' | 'linear';
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
  useBias?: boolean;
  name?: string;
}

/** A stock tfjs-layers SimpleRNN/LSTM/GRU (GRU with resetAfter false, all stock can build). */
export function stockLayer(cell: CellName, args: StockArgs): tfl.layers.Layer {
  const common = {
    units: args.units,
    returnSequences: args.returnSequences ?? false,
    returnState: args.returnState ?? false,
    goBackwards: args.goBackwards ?? false,
    useBias: args.useBias ?? true,
    kernelInitializer: 'zeros' as const, // orthogonal needs chained ops that tfjs-core lacks
    recurrentInitializer: 'zeros' as const,
    ...(args.activation ? { activation: args.activation } : {}),
    ...(args.name ? { name: args.name } : {}),
  };
  const recurrentActivation = args.recurrentActivation ?? 'sigmoid';
  if (cell === 'rnn') return tfl.layers.simpleRNN(common);
  if (cell === 'lstm') return tfl.layers.lstm({ ...common, recurrentActivation });
  return tfl.layers.gru({ ...common, recurrentActivation }); // resetAfter false
}
