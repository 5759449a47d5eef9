/**
 * Browser page for the kernel tests: rnnkit's fast recurrence kernel against stock tfjs-layers'
 * LSTM / GRU / SimpleRNN layers with the same weights, on the backend asked for: forward outputs
 * and the gradients of a fixed weighted sum of them with respect to x and every weight; and the
 * kernel with its LSTM gates on relaxed SIMD against stock on the cpu backend (`relaxedSimd`).
 */
import { fastRecurrence, hasRelaxedSimd, simdVariant } from '@rnnkit/models/kernels';
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

/** The sizes of a comparison: [batch, time, features, units]. */
type Sizes = [number, number, number, number];
const SMALL: Sizes = [2, 5, 3, 4];

/** One engine's sequence output and the gradients of a fixed weighted sum of it, as arrays. */
type Run = {
  sequence: Float32Array;
  /** d/dx, d/dkernel, d/drecurrentKernel, d/dbias */
  grads: Float32Array[];
};

/**
 * rnnkit's fast kernel or stock tfjs-layers' layer on the current backend, with the same
 * deterministic inputs and weights for every engine and backend.
 */
function run(engine: 'fast' | 'stock', cell: Cell, sizes: Sizes): Run {
  const [batch, time, features, units] = sizes;
  const g = GATES[cell] * units;
  return tf.tidy(() => {
    const x = tf.variable(
      tf.tensor3d(values(batch * time * features, 1, 1), [batch, time, features]),
    );
    const kernel = tf.variable(tf.tensor2d(values(features * g, 2, 0.6), [features, g]));
    const recurrent = tf.variable(tf.tensor2d(values(units * g, 3, 0.5), [units, g]));
    const bias = tf.variable(tf.tensor1d(values(g, 4, 0.2)));
    const weights = tf.tensor3d(values(batch * time * units, 5, 1), [batch, time, units]);
    const lossOf = (seq: tf.Tensor) => tf.sum(tf.mul(seq, weights)) as tf.Scalar;
    const read = (seq: tf.Tensor, grads: tf.NamedTensorMap, vars: tf.Variable[]): Run => ({
      sequence: seq.dataSync() as Float32Array,
      grads: vars.map((v) => (grads[v.name] as tf.Tensor).dataSync() as Float32Array),
    });
    let out: Run;
    if (engine === 'fast') {
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
      const vars = [x, kernel, recurrent, bias];
      out = read(fast(), tf.variableGrads(() => lossOf(fast()), vars).grads, vars);
    } else {
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
      const vars = [x, ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
      const stock = () => layer.apply(x) as tf.Tensor3D;
      out = read(stock(), tf.variableGrads(() => lossOf(stock()), vars).grads, vars);
      layer.dispose();
    }
    tf.dispose([x, kernel, recurrent, bias]);
    return out;
  });
}

/** max |a - b| over every value. */
const maxDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

async function use(backend: string): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend '${backend}' failed to start`);
  await tf.ready();
}

/** The fast kernel on `fastBackend` against stock tfjs-layers on `stockBackend`. */
async function diffRuns(
  cell: Cell,
  sizes: Sizes,
  fastBackend: string,
  stockBackend: string,
): Promise<Comparison> {
  await use(fastBackend);
  const backend = tf.getBackend();
  const start = tf.memory().numTensors;
  const fast = run('fast', cell, sizes);
  await use(stockBackend);
  const stock = run('stock', cell, sizes);
  const end = tf.memory().numTensors;
  return {
    backend,
    forward: maxDiff(fast.sequence, stock.sequence),
    gradients: Math.max(...fast.grads.map((a, i) => maxDiff(a, stock.grads[i] as Float32Array))),
    gradScale: Math.max(...fast.grads.map(maxAbs)),
    tensors: { start, end },
  };
}

async function compare(arg: { backend: string; cell: Cell }): Promise<Comparison> {
  return diffRuns(arg.cell, SMALL, arg.backend, arg.backend);
}

/**
 * The LSTM gate module in this page: which build runs (`simdVariant`: 'relaxed' where the engine
 * has relaxed SIMD), whether the engine validates relaxed SIMD, and the fast kernel on `backend`
 * (its gates on that module, 32 units) against stock tfjs-layers on the cpu backend.
 */
async function relaxedSimd(arg: { backend: string }) {
  const comparison = await diffRuns('lstm', [3, 7, 5, 32], arg.backend, 'cpu');
  return { variant: simdVariant, relaxedSimd: hasRelaxedSimd(), comparison };
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

expose({
  compare: compare as (arg: never) => unknown,
  relaxedSimd: relaxedSimd as (arg: never) => unknown,
  backends,
});
