import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mulberry32 as rng } from '@rnnkit/windowing';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AdamWOptimizer, asFusedAdam } from './fused-adam.js';
import {
  createOptimizer,
  type OptimizerConfig,
  optimizerExtras,
  setLearningRate,
  setOptimizerExtras,
} from './optimizers.js';

tf.env().set('PROD', true);
setWasmPaths(
  `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`,
);

const SHAPES = [[3, 8], [8], [5, 2, 3], [1]];

interface Run {
  opt: tf.Optimizer;
  vars: tf.Variable[];
}

function start(config: OptimizerConfig): Run {
  const r = rng(7);
  // tidy frees the initial values; variables outlive it
  const vars = tf.tidy(() =>
    SHAPES.map((s) =>
      tf.variable(tf.tensor(Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, r), s)),
    ),
  );
  return { opt: createOptimizer(config), vars };
}

/** Steps [from, to) of a run: gradients over 6 orders of magnitude, a changing learning rate. */
function steps(run: Run, from: number, to: number): void {
  for (let k = from; k < to; k++) {
    const r = rng(100 + k);
    setLearningRate(run.opt, 0.01 / (1 + k / 10));
    const grads = run.vars.map((v) => ({
      name: v.name,
      tensor: tf.tensor(
        Float32Array.from({ length: v.size }, () => (r() - 0.5) * 10 ** Math.floor(r() * 6 - 4)),
        v.shape,
      ),
    }));
    run.opt.applyGradients(grads);
    tf.dispose(grads.map((g) => g.tensor));
  }
}

async function state(run: Run): Promise<number[][]> {
  const slots = await run.opt.getWeights();
  const out = [
    ...run.vars.map((v) => Array.from(v.dataSync())),
    ...slots.map((s) => Array.from(s.tensor.dataSync())),
    Object.values(optimizerExtras(run.opt)),
  ];
  slots[0]?.tensor.dispose(); // the iteration count is a fresh scalar; the rest are live slots
  return out;
}

function end(run: Run): void {
  tf.dispose(run.vars);
  run.opt.dispose();
}

type AdamConfig = Extract<OptimizerConfig, { type: 'adam' | 'adamw' }>;

const CONFIGS: AdamConfig[] = [
  { type: 'adam', learningRate: 0.01 },
  { type: 'adam', learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-4 },
  { type: 'adamw', learningRate: 0.01, weightDecay: 0.1 },
];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fused Adam on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });

    it.each(CONFIGS)('%o: 50 steps equal the op-by-op optimizer bit for bit', async (config) => {
      const before = tf.memory().numTensors;
      const fused = start(config);
      const reference = start({ ...config, fused: false });
      expect(asFusedAdam(fused.opt)).toBeDefined();
      const sgd = tf.train.sgd(0.1);
      expect(asFusedAdam(sgd)).toBeUndefined();
      sgd.dispose();
      steps(fused, 0, 50);
      steps(reference, 0, 50);
      const [a, b] = [await state(fused), await state(reference)];
      expect(a.length).toBe(SHAPES.length * 3 + 2); // weights, slots m and v, iterations, extras
      for (let i = 0; i < a.length; i++) {
        const diff = a[i]!.reduce((m, x, j) => Math.max(m, Math.abs(x - b[i]![j]!)), 0);
        expect(diff).toBeLessThan(1e-6);
        expect(a[i]).toEqual(b[i]); // in fact bit-identical
      }
      end(fused);
      end(reference);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('resumes from getWeights/setWeights and the extras exactly', async () => {
      const whole = start({ type: 'adam', learningRate: 0.01 });
      steps(whole, 0, 30);
      const first = start({ type: 'adam', learningRate: 0.01 });
      steps(first, 0, 12);
      const slots = await first.opt.getWeights();
      const copies = slots.map((s) => ({ name: s.name, tensor: tf.clone(s.tensor) }));
      const extras = optimizerExtras(first.opt);
      // a fresh optimizer on the same variables, as a resumed trainer makes
      const resumed: Run = {
        opt: createOptimizer({ type: 'adam', learningRate: 0.01 }),
        vars: first.vars,
      };
      await resumed.opt.setWeights(copies);
      setOptimizerExtras(resumed.opt, extras);
      tf.dispose([...copies.map((c) => c.tensor), slots[0]!.tensor]);
      first.opt.dispose();
      steps(resumed, 12, 30);
      expect(await state(resumed)).toEqual(await state(whole));
      end(whole);
      end(resumed);
    });

    it('switching to op-by-op and back, and weights set from outside, keep the numbers', async () => {
      const fused = start({ type: 'adamw', learningRate: 0.01 });
      const reference = start({ type: 'adamw', learningRate: 0.01, fused: false });
      for (const run of [fused, reference]) {
        steps(run, 0, 5);
        (run.opt as AdamWOptimizer).fused = false; // what a webgl backend does
        steps(run, 5, 10);
        (run.opt as AdamWOptimizer).fused = run === fused;
        steps(run, 10, 15);
        // model.setWeights between updates: the fused pass must not use its cached copy
        tf.tidy(() => run.vars[0]!.assign(tf.mul(run.vars[0]!, 0.5)));
        steps(run, 15, 20);
      }
      expect(await state(fused)).toEqual(await state(reference));
      end(fused);
      end(reference);
    });

    it.each(CONFIGS)(
      '%o: a shorter list and null gradients leave the other slots as tfjs does',
      async (config) => {
        const before = tf.memory().numTensors;
        const runs = [start(config), start({ ...config, fused: false })];
        for (const run of runs) {
          steps(run, 0, 3);
          for (let k = 0; k < 3; k++) {
            // slots 0 and 1 only (2 and 3 untouched), and slot 1 without a gradient (AdamW decays it)
            const g = tf.fill(run.vars[0]!.shape, 0.01 * (k + 1));
            run.opt.applyGradients([
              { name: run.vars[0]!.name, tensor: g },
              { name: run.vars[1]!.name, tensor: null as unknown as tf.Tensor },
            ]);
            g.dispose();
          }
          steps(run, 3, 6);
        }
        const [a, b] = [await state(runs[0]!), await state(runs[1]!)];
        expect(a).toEqual(b);
        runs.forEach(end);
        expect(tf.memory().numTensors).toBe(before);
      },
    );

    it('takes a NamedTensorMap and skips missing gradients like tfjs', async () => {
      const runs = [start({ type: 'adam' }), start({ type: 'adam', fused: false })];
      for (const run of runs) {
        const g = tf.onesLike(run.vars[1]!);
        run.opt.applyGradients({ [run.vars[1]!.name]: g });
        g.dispose();
      }
      const [a, b] = [await state(runs[0]!), await state(runs[1]!)];
      expect(a).toEqual(b);
      runs.forEach(end);
    });
  });
}
