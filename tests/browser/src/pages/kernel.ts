/**
 * Browser page for the kernel tests: rnnkit's fast recurrence kernel against stock tfjs-layers'
 * LSTM / GRU / SimpleRNN layers with the same weights, on the backend asked for: forward outputs
 * and the gradients of a fixed weighted sum of them with respect to x and every weight.
 */
import { fastRecurrence } from '@rnnkit/models/kernels';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { expose } from '../page-api.js';

tf.env().set('PROD', true);
setWasmPaths('/tfjs-wasm/');

type Cell = 'lstm' | 'gru' | 'rnn';
const GATES: Record<Cell, number> = { lstm: 4, gru: 3, rnn: 1 };

/** Deterministic values in (-scale, scale): the same inputs on every backend and run. */
const values = (n: number, seed: number, scale: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => scale * Math.sin(seed * 7.31 + i * 1.37));

export interface Comparison {
  backend: string;
  /** max |fast - stock| over the sequence output */
  forward: number;
  /** max |fast - stock| over the gradients (x, kernel, recurrent kernel, bias) */
  gradients: number;
  /** the largest gradient value, so a difference can be read as relative */
  gradScale: number;
  tensors: { start: number; end: number };
}

async function compare(arg: { backend: string; cell: Cell }): Promise<Comparison> {
  const { backend, cell } = arg;
  if (!(await tf.setBackend(backend))) throw new Error(`backend '${backend}' failed to start`);
  await tf.ready();
  const start = tf.memory().numTensors;
  const [batch, time, features, units] = [2, 5, 3, 4];
  const g = GATES[cell] * units;
  const result = tf.tidy(() => {
    const x = tf.variable(
      tf.tensor3d(values(batch * time * features, 1, 1), [batch, time, features]),
    );
    const kernel = tf.variable(tf.tensor2d(values(features * g, 2, 0.6), [features, g]));
    const recurrent = tf.variable(tf.tensor2d(values(units * g, 3, 0.5), [units, g]));
    const bias = tf.variable(tf.tensor1d(values(g, 4, 0.2)));
    const weights = tf.tensor3d(values(batch * time * units, 5, 1), [batch, time, units]);
    const vars = [x, kernel, recurrent, bias];

    const fast = () =>
      fastRecurrence({
        cell,
        x,
        kernel,
        recurrentKernel: recurrent,
        bias,
        h0: tf.zeros([batch, units]),
        ...(cell === 'lstm' ? { c0: tf.zeros([batch, units]) } : {}),
        ...(cell === 'gru' ? { resetAfter: false } : {}),
        recurrentActivation: 'sigmoid',
      }).sequence;
    // glorot, not the default orthogonal init (it needs tfjs's chained ops); setWeights follows
    const init = { recurrentInitializer: 'glorotUniform' as const };
    const config = {
      units,
      returnSequences: true,
      recurrentActivation: 'sigmoid' as const,
      ...init,
    };
    const layer =
      cell === 'lstm'
        ? tfl.layers.lstm(config)
        : cell === 'gru'
          ? tfl.layers.gru(config) // resetAfter false: the only mode stock builds
          : tfl.layers.simpleRNN({ units, returnSequences: true, ...init });
    layer.apply(x); // builds its weights
    layer.setWeights([kernel, recurrent, bias]);
    const [lk, lr, lb] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const stock = () => layer.apply(x) as tf.Tensor3D;

    const lossOf = (seq: tf.Tensor) => tf.sum(tf.mul(seq, weights)) as tf.Scalar;
    const gf = tf.variableGrads(() => lossOf(fast()), vars).grads;
    const gs = tf.variableGrads(() => lossOf(stock()), [x, lk, lr, lb] as tf.Variable[]).grads;
    const diff = (a: tf.Tensor, b: tf.Tensor) =>
      tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number;
    const pairs: [tf.Tensor, tf.Tensor][] = [
      [gf[x.name] as tf.Tensor, gs[x.name] as tf.Tensor],
      [gf[kernel.name] as tf.Tensor, gs[(lk as tf.Variable).name] as tf.Tensor],
      [gf[recurrent.name] as tf.Tensor, gs[(lr as tf.Variable).name] as tf.Tensor],
      [gf[bias.name] as tf.Tensor, gs[(lb as tf.Variable).name] as tf.Tensor],
    ];
    const out = {
      forward: diff(fast(), stock()),
      gradients: Math.max(...pairs.map(([a, b]) => diff(a, b))),
      gradScale: Math.max(...pairs.map(([a]) => tf.max(tf.abs(a)).dataSync()[0] as number)),
    };
    layer.dispose();
    tf.dispose(vars);
    return out;
  });
  return { backend: tf.getBackend(), ...result, tensors: { start, end: tf.memory().numTensors } };
}

async function backends(): Promise<string[]> {
  const ok: string[] = [];
  for (const b of ['cpu', 'wasm', 'webgl']) {
    try {
      if (await tf.setBackend(b)) ok.push(b);
    } catch {
      // not available in this Chromium (webgl without SwiftShader)
    }
  }
  return ok;
}

expose({ compare: compare as (arg: never) => unknown, backends });
