import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../layers/test-backends.js';
import type { CoreData, CoreSpec } from './fast-core.js';
import type { HeadData } from './fast-head.js';
import { productsFor } from './fast-wasm.js';
import { HalfRun } from './half-run.js';
import {
  getRecurrenceThreads,
  poolBacklog,
  recurrencePlan,
  recurrenceThreadInfo,
  setRecurrenceThreads,
} from './pool.js';

const big: CoreSpec = {
  cell: 'lstm',
  batch: 32,
  time: 4,
  features: 8,
  units: 256,
  resetAfter: false,
  reverse: false,
  act: 'tanh',
  recAct: 'sigmoid',
};

describe('setRecurrenceThreads', () => {
  afterEach(() => setRecurrenceThreads('auto'));

  it("defaults to 'auto' and takes 1, 2 or 'auto'", () => {
    expect(getRecurrenceThreads()).toBe('auto');
    setRecurrenceThreads(1);
    expect(getRecurrenceThreads()).toBe(1);
    expect(() => setRecurrenceThreads(3 as 2)).toThrow(/must be 1, 2 or 'auto', got 3/);
  });

  it('keeps one thread when told to, off wasm, and for small runs', async () => {
    await tf.setBackend('cpu');
    const one = { halves: false, worker: null };
    setRecurrenceThreads(1);
    expect(recurrencePlan(big)).toEqual(one);
    setRecurrenceThreads(2);
    expect(recurrencePlan(big)).toEqual(one); // the cpu backend: the worker would compute on wasm
    setRecurrenceThreads('auto');
    expect(recurrencePlan({ ...big, units: 64 })).toEqual(one);
    expect(recurrencePlan({ ...big, batch: 1 })).toEqual(one);
  });

  it("'auto' halves runs of 16+ rows, 16+ steps and 32+ units on wasm (W1's shapes, not W2's)", async () => {
    await useBackend('wasm');
    try {
      const w1 = { ...big, time: 64, units: 64 };
      expect(recurrencePlan(w1).halves).toBe(true);
      expect(recurrencePlan({ ...w1, units: 32 }).halves).toBe(true);
      expect(recurrencePlan({ ...w1, units: 16 }).halves).toBe(false);
      expect(recurrencePlan({ ...w1, time: 5, units: 32 }).halves).toBe(false); // W2
      expect(recurrencePlan({ ...w1, batch: 8 }).halves).toBe(false);
    } finally {
      await useBackend('cpu');
    }
  });
});

describe('the worker: its backward pass right after its forward, when it runs a head', () => {
  const spec: CoreSpec = { ...big, batch: 3, time: 5, features: 4, units: 6 };
  const classes = 5;
  const rnd = (n: number, seed: number) =>
    Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 0.5);
  const data = (): CoreData => ({
    x: rnd(spec.batch * spec.time * spec.features, 1),
    ids: null,
    kernel: rnd(spec.features * 4 * spec.units, 2),
    recurrent: rnd(spec.units * 4 * spec.units, 3),
    bias: rnd(4 * spec.units, 4),
    h0: rnd(spec.batch * spec.units, 7),
    c0: rnd(spec.batch * spec.units, 8),
    mask: null,
  });
  const head = (): HeadData => ({
    w: rnd(spec.units * classes, 5),
    b: rnd(classes, 6),
    classes,
    labels: Int32Array.from({ length: spec.batch * spec.time }, (_, i) => (i * 3) % classes),
  });
  const zeros = () => new Float32Array(spec.batch * spec.units);
  const keys = ['kernel', 'recurrent', 'bias', 'h0', 'c0', 'x'] as const; // x: dense here

  /** The worker's job for `spec` with a head presumed to get `presumed`, after its forward. */
  const started = (presumed: number) => {
    const worker = recurrencePlan({ ...spec, batch: 32, time: 64, units: 64 }).worker;
    if (worker === null) throw new Error('no worker');
    const job = worker.start(spec, data(), true, head(), presumed);
    job.forward();
    return job;
  };
  /** The same half on this thread, its head's backward run with `scale`. */
  const here = (scale: number) => {
    const run = new HalfRun(spec, data(), productsFor(tf.backend()), head());
    run.forward(true);
    const headGrads = run.headBackward(scale);
    run.backward(null, zeros(), zeros());
    return { headGrads, grads: run.core.grads(true) };
  };

  it('gives the numbers of the same half run on this thread, bit for bit', async () => {
    await useBackend('wasm');
    try {
      const job = started(0.25);
      const headGrads = job.headBackward(0.25)();
      const grads = job.backward(null, zeros(), zeros()).grads();
      const expected = here(0.25);
      expect(headGrads.w).toEqual(expected.headGrads.w);
      expect(headGrads.b).toEqual(expected.headGrads.b);
      for (const key of keys) expect(grads[key]).toEqual(expected.grads[key]);
      expect(Math.max(...grads.kernel.map(Math.abs))).toBeGreaterThan(0);
    } finally {
      await useBackend('cpu');
    }
  });

  it('computes with the weights as they were when the run started (they go through a shared buffer the worker copies them out of)', async () => {
    await useBackend('wasm');
    try {
      const worker = recurrencePlan({ ...spec, batch: 32, time: 64, units: 64 }).worker;
      if (worker === null) throw new Error('no worker');
      const d = data();
      const job = worker.start(spec, d, true, head(), 0.25);
      d.kernel.fill(7); // this thread's copies change after the request went
      d.recurrent.fill(-7);
      const out = job.forward();
      job.headBackward(0.25)();
      const grads = job.backward(null, zeros(), zeros()).grads();
      const run = new HalfRun(spec, data(), productsFor(tf.backend()), head());
      const expected = run.forward(true);
      run.headBackward(0.25);
      run.backward(null, zeros(), zeros());
      expect(out.seq).toEqual(expected.seq);
      expect(out.loss).toBe(expected.loss);
      expect(grads.recurrent).toEqual(run.core.grads(true).recurrent);
    } finally {
      await useBackend('cpu');
    }
  });

  it("counts this thread's waits and the worker's busy time (recurrenceThreadInfo)", async () => {
    await useBackend('wasm');
    try {
      started(1); // the worker is up
      const before = recurrenceThreadInfo();
      const t0 = performance.now();
      const job = started(1);
      job.headBackward(1)();
      job.backward(null, zeros(), zeros()).grads();
      const elapsed = performance.now() - t0;
      const after = recurrenceThreadInfo();
      expect(after.thread).toBe('node');
      expect(after.sent - before.sent).toBe(1);
      // the worker computed this half (forward, head, backward) and replied with its count
      const busy = after.secondBusyMs - before.secondBusyMs;
      expect(busy).toBeGreaterThan(0);
      const waited = after.waitedMs - before.waitedMs;
      expect(waited).toBeGreaterThanOrEqual(0);
      expect(waited).toBeLessThanOrEqual(elapsed + 1);
    } finally {
      await useBackend('cpu');
    }
  });

  it('rescales every gradient when the loss gradient is not the presumed one (linear in it)', async () => {
    await useBackend('wasm');
    try {
      const job = started(0.25);
      const headGrads = job.headBackward(0.1)();
      const grads = job.backward(null, zeros(), zeros()).grads();
      const expected = here(0.1);
      const close = (a: Float32Array, b: Float32Array) => {
        expect(a.length).toBe(b.length);
        for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i] as number, 6);
      };
      close(headGrads.w, expected.headGrads.w);
      close(headGrads.b, expected.headGrads.b);
      for (const key of keys) close(grads[key], expected.grads[key]);
    } finally {
      await useBackend('cpu');
    }
  });

  it('refuses a final-state gradient it did not start from, and drops passes nobody collects', async () => {
    await useBackend('wasm');
    try {
      const job = started(1);
      job.headBackward(1)();
      const dhT = zeros();
      dhT[2] = 1;
      expect(() => job.backward(null, dhT, zeros())).toThrow(/internal error.*final-state/);
      // runs whose backward passes are never collected (a frozen recurrent layer): later ops still
      // get their own replies, an op evicted from the worker says so, and the replies of evicted
      // ops are not kept
      const abandoned = Array.from({ length: 10 }, () => started(1));
      const last = abandoned.at(-1);
      last?.headBackward(1)();
      expect(last?.backward(null, zeros(), zeros()).grads().kernel.length).toBe(
        spec.features * 4 * spec.units,
      );
      expect(() => abandoned[0]?.headBackward(1)).toThrow(/no longer holds op/);
      expect(poolBacklog()).toBeLessThanOrEqual(2 * 8); // at most the held ops' two replies each
      for (let i = 0; i < 8; i++) {
        const job = started(1);
        job.headBackward(1)();
        job.backward(null, zeros(), zeros()).grads();
      }
      expect(poolBacklog()).toBe(0);
    } finally {
      await useBackend('cpu');
    }
  });
});
