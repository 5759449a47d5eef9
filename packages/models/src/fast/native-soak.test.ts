// The native engine over 20 000 runs (forward, backward, every gradient) of a small LSTM and GRU:
// the resident set stays within 50 MB of where it was after warm-up (the addon frees what it
// allocates per call: packed weights, per-thread scratch), and runs through the tfjs op leave no
// tensor behind; so does the fused softmax head on the addon's kernels over 20 000 forward and
// backward passes (one of them on both threads). No timing is asserted. (`pnpm bench:soak` trains 20 000 steps through train()
// on whichever engine loads.)
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the gradients of tfjs-core's ops
import { describe, expect, it } from 'vitest';
import { fastRecurrence } from './fast.js';
import type { CoreData, CoreSpec } from './fast-core.js';
import { SoftmaxHead } from './fast-head.js';
import { NativeCore } from './native-core.js';
import { headKernels, loadNativeWith, type NativeAddon, nativeProducts } from './native-load.js';

const addon = loadNativeWith(createRequire(import.meta.url), process.env.RNNKIT_NATIVE).addon;

function core(cell: 'lstm' | 'gru', i: number, nat: NativeAddon): NativeCore {
  const [batch, time, features, units] = [4, 6, 5, 8];
  const g = (cell === 'lstm' ? 4 : 3) * units;
  const fill = (n: number, s: number) =>
    Float32Array.from({ length: n }, (_, j) => Math.sin(j + s) * 0.3);
  const spec: CoreSpec = {
    cell,
    batch,
    time,
    features,
    units,
    resetAfter: i % 2 === 0,
    reverse: false,
    act: 'tanh',
    recAct: 'sigmoid',
  };
  const data: CoreData = {
    x: fill(batch * time * features, i),
    kernel: fill(features * g, 1),
    recurrent: fill(units * g, 2),
    bias: fill(cell === 'gru' && i % 2 === 0 ? 2 * g : g, 3),
    h0: new Float32Array(batch * units),
    c0: null,
    mask: null,
  };
  return new NativeCore(spec, data, nat);
}

/** The resident set's growth in MB over 20 000 calls of `once` after 2 000 of warm-up. */
function rssGrowth(once: (i: number) => void): number {
  for (let i = 0; i < 2000; i++) once(i);
  const base = process.memoryUsage().rss;
  let peak = base;
  for (let i = 0; i < 20_000; i++) {
    once(i);
    if (i % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  return (peak - base) / 2 ** 20;
}

describe.runIf(addon !== null)('native engine soak', () => {
  it('keeps the resident set flat over 20 000 runs with their backward passes', () => {
    const nat = addon as NativeAddon;
    const once = (i: number) => {
      const c = core(i % 3 === 0 ? 'gru' : 'lstm', i, nat);
      const out = c.forward();
      c.backward(out.seq, null, null);
      const grads = c.grads(true);
      expect(grads.recurrent.length).toBeGreaterThan(0);
    };
    expect(rssGrowth(once)).toBeLessThan(50);
  });

  it('leaves no tensor behind through the tfjs op', async () => {
    await tf.setBackend('cpu');
    const x = tf.randomNormal([3, 5, 4]);
    const k = tf.randomNormal([4, 12]);
    const r = tf.randomNormal([3, 12]);
    const h0 = tf.zeros([3, 3]);
    const step = () =>
      tf.tidy(() => {
        const f = (kv: tf.Tensor) =>
          tf.sum(
            fastRecurrence({
              cell: 'lstm',
              x: x as tf.Tensor3D,
              kernel: kv as tf.Tensor2D,
              recurrentKernel: r as tf.Tensor2D,
              bias: null,
              h0: h0 as tf.Tensor2D,
            }).sequence,
          ) as tf.Scalar;
        tf.grad(f)(k).dataSync();
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 200; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, k, r, h0]);
  });

  it('keeps the resident set flat over 20 000 fused softmax heads on the addon', () => {
    const nat = addon as NativeAddon;
    const head = headKernels(nat);
    expect(head).not.toBeNull();
    const mm = { ...nativeProducts(nat), head: head ?? undefined };
    const once = (i: number) => {
      // 16 384 values every tenth pass: the row loops split across both threads
      const [rows, units, classes] = i % 10 === 0 ? [256, 8, 64] : [24, 8, 11];
      const data = {
        w: Float32Array.from({ length: units * classes }, (_, j) => Math.sin(j + i) * 0.3),
        b: new Float32Array(classes).fill(0.1),
        classes,
        labels: Int32Array.from({ length: rows }, (_, r) => (r * 3 + i) % (classes + 1)),
      };
      const h = Float32Array.from({ length: rows * units }, (_, j) => Math.cos(j - i));
      const sm = new SoftmaxHead(data, h, rows, units, mm);
      expect(Number.isFinite(sm.forward())).toBe(true);
      expect(sm.backward(1 / rows).w.length).toBe(units * classes);
      sm.releaseDh();
    };
    expect(rssGrowth(once)).toBeLessThan(50);
  });
});
