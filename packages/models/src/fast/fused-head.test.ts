import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { oneHotIds, oneHotLookup, tokenLayer } from '../layers/inputs.js';
import { LSTM } from '../layers/recurrent.js';
import { BACKENDS, useBackend } from '../layers/test-backends.js';
import { setRecurrenceKernel } from '../recurrence/select.js';
import { batchFor, CELLS, useCpu } from '../test-helpers.js';
import { manyToMany } from '../topologies/many-to-many.js';
import { manyToOne } from '../topologies/many-to-one.js';
import { fastRecurrence } from './fast.js';
import { denseSoftmaxCrossEntropy } from './fast-dense.js';
import { SoftmaxHead } from './fast-head.js';
import { tfProducts } from './fast-wasm.js';
import { FUSED_LOSSES, fusedHeadLoss } from './fused-head.js';
import { setRecurrenceEngine } from './native.js';
import { runHalvesInline, setRecurrenceThreads } from './pool.js';

beforeAll(useCpu);
afterAll(() => useBackend('cpu'));

/** The unfused losses, written as training's `losses.ts` defines them. */
function sparseCE(logits: tf.Tensor, labels: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  const classes = logits.shape[logits.rank - 1]!;
  const lp = tf.logSoftmax(tf.reshape(logits, [-1, classes]));
  const picked = tf.sum(
    tf.mul(lp, tf.oneHot(tf.cast(tf.reshape(labels, [-1]), 'int32'), classes)),
    1,
  );
  if (!mask) return tf.neg(tf.mean(picked)) as tf.Scalar;
  const m = tf.cast(tf.reshape(mask, [-1]), 'float32');
  return tf.div(tf.neg(tf.sum(tf.mul(picked, m))), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
}
function mse(out: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.mean(tf.squaredDifference(out, tf.reshape(y, out.shape))) as tf.Scalar;
}

interface Case {
  loss: 'sparseCategoricalCrossentropy' | 'meanSquaredError';
  x: tf.Tensor;
  y: tf.Tensor;
  mask?: tf.Tensor;
}

/** Loss and gradients (w.r.t. every trainable weight) fused and unfused. */
function both(model: tfl.LayersModel, c: Case) {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const ref = c.loss === 'meanSquaredError' ? mse : sparseCE;
  const fused = fusedHeadLoss(model, c.loss);
  expect(fused).not.toBeNull();
  const unfusedCalls: number[] = [];
  const run = (useFused: boolean) =>
    tf.variableGrads(() => {
      if (!useFused) return ref(model.apply(c.x, { training: true }) as tf.Tensor, c.y, c.mask);
      return fused!(c.x, c.y, c.mask, true, (out) => {
        unfusedCalls.push(1);
        return ref(out, c.y, c.mask);
      });
    }, vars);
  const a = run(true);
  const b = run(false);
  const gradDiff = Math.max(
    ...vars.map((v) =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(a.grads[v.name]!, b.grads[v.name]!))).dataSync()[0]!),
    ),
  );
  const gradMax = Math.max(
    ...vars.map((v) => tf.tidy(() => tf.max(tf.abs(b.grads[v.name]!)).dataSync()[0]!)),
  );
  const out = {
    fused: a.value.dataSync()[0]!,
    unfused: b.value.dataSync()[0]!,
    gradDiff,
    gradMax,
    unfusedCalls: unfusedCalls.length,
  };
  tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
  return out;
}

const maxAbsDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

/** Asserts the fused path ran and matches (loss 1e-5, gradients 1e-4); frees the case and model. */
function expectSame(model: tfl.LayersModel, c: Case): void {
  const r = both(model, c);
  expect(r.unfusedCalls).toBe(0);
  expect(Math.abs(r.fused - r.unfused)).toBeLessThan(1e-5);
  expect(r.gradDiff).toBeLessThan(1e-4);
  expect(r.gradMax).toBeGreaterThan(1e-4); // the comparison is not of zeros
  tf.dispose([c.x, c.y]);
  model.dispose();
}

describe('fusedHeadLoss', () => {
  for (const cell of CELLS) {
    it(`${cell} manyToMany, sparse CE: same loss (1e-5) and gradients (1e-4), with and without a mask`, () => {
      const input = { type: 'oneHot', vocabSize: 7 } as const;
      const { model } = manyToMany({ cell, units: 5, classes: 7, input, seed: 2, layers: 2 });
      const x = batchFor(input, 3, 4, 1);
      const y = batchFor(input, 3, 4, 2);
      const mask = tf.tensor2d([
        [1, 1, 1, 1],
        [1, 1, 0, 0],
        [1, 0, 0, 0],
      ]);
      const before = tf.memory().numTensors;
      for (const m of [undefined, mask]) {
        const r = both(model, {
          loss: 'sparseCategoricalCrossentropy',
          x,
          y,
          ...(m ? { mask: m } : {}),
        });
        expect(r.unfusedCalls).toBe(0);
        expect(Math.abs(r.fused - r.unfused)).toBeLessThan(1e-5);
        expect(r.gradDiff).toBeLessThan(1e-4);
        expect(r.gradMax).toBeGreaterThan(1e-3); // the comparison is not of zeros
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, y, mask]);
      model.dispose();
    });
  }

  it('gives each recurrent layer its own extra kernel inputs: the ids to the readers of the one-hot input, the head to the last layer only', () => {
    const seen: { goBackwards: boolean; ids: number[] | null; head: boolean }[] = [];
    setRecurrenceKernel((inputs) => {
      seen.push({
        goBackwards: inputs.goBackwards ?? false,
        ids: inputs.ids ? Array.from(inputs.ids) : null,
        head: inputs.head !== undefined,
      });
      return fastRecurrence(inputs);
    });
    const input = { type: 'oneHot', vocabSize: 7 } as const;
    const x = batchFor(input, 3, 4, 1);
    const y = batchFor(input, 3, 4, 2);
    const xIds = Array.from(x.dataSync());
    const run = (model: tfl.LayersModel, mask?: tf.Tensor) => {
      seen.length = 0;
      const loss = fusedHeadLoss(model, 'sparseCategoricalCrossentropy')!;
      tf.dispose(loss(x, y, mask, true, () => tf.scalar(0)));
      model.dispose();
      return [...seen];
    };
    try {
      const stacked = () => manyToMany({ cell: 'gru', units: 5, classes: 7, input, layers: 2 });
      expect(run(stacked().model)).toEqual([
        { goBackwards: false, ids: xIds, head: false },
        { goBackwards: false, ids: null, head: true },
      ]);
      // a loss mask keeps the head with the loss: no offer
      const mask = tf.ones([3, 4]);
      expect(run(stacked().model, mask).map((c) => c.head)).toEqual([false, false]);
      mask.dispose();
      // both halves of a bidirectional layer read the one-hot input; the last layer (a
      // concatenation) is not recurrent, so nothing takes the head
      const bidi = manyToMany({ cell: 'lstm', units: 3, classes: 7, input, bidirectional: true });
      const byDirection = run(bidi.model).sort(
        (a, b) => Number(a.goBackwards) - Number(b.goBackwards),
      );
      expect(byDirection).toEqual([
        { goBackwards: false, ids: xIds, head: false },
        { goBackwards: true, ids: xIds, head: false },
      ]);
      // a trainable embedding is not a one-hot lookup: no ids
      const embedding = { type: 'embedding', vocabSize: 7, dims: 2 } as const;
      const embedded = manyToMany({ cell: 'rnn', units: 3, classes: 7, input: embedding });
      expect(run(embedded.model)).toEqual([{ goBackwards: false, ids: null, head: true }]);
    } finally {
      setRecurrenceKernel('default');
      tf.dispose([x, y]);
    }
  });

  it('manyToOne classes head (embedding input, bidirectional), sparse CE', () => {
    const input = { type: 'embedding', vocabSize: 9, dims: 3, maskZero: true } as const;
    const { model } = manyToOne({
      cell: 'gru',
      units: 4,
      input,
      head: { type: 'classes', classes: 3 },
      bidirectional: true,
      seed: 4,
    });
    const x = batchFor(input, 4, 5, 3);
    const y = tf.tensor1d([0, 2, 1, 2], 'int32');
    expectSame(model, { loss: 'sparseCategoricalCrossentropy', x, y });
  });

  it('manyToOne regression head (2 outputs), MSE', () => {
    const input = { type: 'features', features: 2 } as const;
    const { model } = manyToOne({
      cell: 'lstm',
      units: 6,
      input,
      head: { type: 'regression', outputs: 2 },
      seed: 5,
    });
    const x = batchFor(input, 5, 4, 4);
    const y = tf.tensor2d([1, -1, 0.5, 0.2, -0.3, 0, 2, 1, -2, 0.1], [5, 2]);
    expectSame(model, { loss: 'meanSquaredError', x, y });
  });

  it("carries masks across stacked layers (the trunk runs through tfjs's executor)", () => {
    // embedding with maskZero -> 2 stacked GRUs -> classes, on padded rows
    const input = { type: 'embedding', vocabSize: 6, dims: 3, maskZero: true } as const;
    const { model } = manyToOne({
      cell: 'gru',
      units: 3,
      input,
      layers: 2,
      head: { type: 'classes', classes: 4 },
      seed: 7,
    });
    const x = tf.tensor2d(
      [
        [0, 0, 3, 1, 5],
        [2, 4, 1, 1, 3],
        [0, 5, 2, 0, 0],
      ],
      [3, 5],
      'int32',
    );
    const y = tf.tensor1d([3, 0, 1], 'int32');
    expectSame(model, { loss: 'sparseCategoricalCrossentropy', x, y });
  });

  it('casts the input to the model input dtype as tfjs-layers does (int32 features)', () => {
    const input = { type: 'features', features: 2 } as const;
    const { model } = manyToOne({ units: 4, input, head: { type: 'regression' }, seed: 3 });
    const x = tf.tensor3d([1, 0, 2, -1, 0, 3, 1, 1, -2, 2, 0, 1], [2, 3, 2], 'int32');
    const y = tf.tensor2d([0.5, -0.25], [2, 1]);
    expectSame(model, { loss: 'meanSquaredError', x, y });
  });

  it('dispatches no reshape, cast or saved clone for a W2-shaped batch (the two fused ops only)', async () => {
    const input = { type: 'features', features: 1 } as const;
    const { model } = manyToOne({
      cell: 'lstm',
      units: 8,
      input,
      seqLength: 5,
      head: { type: 'regression' },
      seed: 1,
    });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const fused = fusedHeadLoss(model, 'meanSquaredError')!;
    const x = batchFor(input, 4, 5, 2);
    const y = tf.tensor2d([0.1, 0.2, -0.3, 0.4], [4, 1]);
    const before = tf.memory().numTensors;
    const { kernels } = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(
        () => fused(x, y, undefined, true, () => tf.scalar(0)),
        vars,
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    const names = kernels.map((k) => k.name);
    expect(names.filter((k) => ['Reshape', 'Cast', 'Identity'].includes(k))).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('falls back to the model output when the batch does not fit (MSE with a mask)', () => {
    const input = { type: 'features', features: 1 } as const;
    const { model } = manyToOne({ units: 3, input, head: { type: 'regression' }, seed: 1 });
    const x = batchFor(input, 2, 3, 4);
    const y = tf.tensor2d([0.5, -0.5], [2, 1]);
    const mask = tf.ones([2]);
    const fused = fusedHeadLoss(model, 'meanSquaredError')!;
    let seen: number[] | null = null;
    const loss = fused(x, y, mask, false, (out) => {
      seen = out.shape;
      return mse(out, y);
    });
    expect(seen).toEqual([2, 1]);
    const expected = tf.tidy(() => mse(model.predict(x) as tf.Tensor, y));
    expect(Math.abs(loss.dataSync()[0]! - expected.dataSync()[0]!)).toBeLessThan(1e-6);
    tf.dispose([x, y, mask, loss, expected]);
    model.dispose();
  });

  it('is null for other losses and for models without a linear Dense output', () => {
    const input = { type: 'features', features: 1 } as const;
    const { model } = manyToOne({ units: 3, input, head: { type: 'none' } });
    expect(fusedHeadLoss(model, 'meanSquaredError')).toBeNull();
    const { model: m2 } = manyToOne({ units: 3, input, head: { type: 'binary' } });
    expect(fusedHeadLoss(m2, 'binaryCrossentropy')).toBeNull();
    expect(FUSED_LOSSES).toEqual(['sparseCategoricalCrossentropy', 'meanSquaredError']);
    // an object that only acts like a model (no symbolic outputs), as tasks' packed-input adapter
    const adapter = { outputs: [], inputs: [], layers: [] } as unknown as tfl.LayersModel;
    expect(fusedHeadLoss(adapter, 'meanSquaredError')).toBeNull();
    model.dispose();
    m2.dispose();
  });

  it('gives the same numbers on wasm', async () => {
    await useBackend('wasm');
    try {
      const input = { type: 'oneHot', vocabSize: 6 } as const;
      const { model } = manyToMany({ cell: 'lstm', units: 4, classes: 6, input, seed: 3 });
      const x = batchFor(input, 2, 5, 1);
      const y = batchFor(input, 2, 5, 2);
      expectSame(model, { loss: 'sparseCategoricalCrossentropy', x, y });
    } finally {
      await useBackend('cpu');
    }
  });
});

describe('fusedHeadLoss with the head run by each half of a two-thread recurrence (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    setRecurrenceEngine('wasm'); // the wasm engine's halves (the native engine runs whole batches)
    setRecurrenceThreads(2); // halves at any size (auto halves from 128 units)
  });
  afterAll(async () => {
    setRecurrenceEngine('auto');
    setRecurrenceThreads('auto');
    runHalvesInline(false);
    await useBackend('cpu');
  });

  /** Loss and gradients of every weight through the fused loss, and the main-thread head runs. */
  function fusedRun(
    model: tfl.LayersModel,
    x: tf.Tensor,
    y: tf.Tensor,
    mask?: tf.Tensor,
    factor = 1,
  ) {
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const fused = fusedHeadLoss(model, 'sparseCategoricalCrossentropy')!;
    const heads = vi.spyOn(SoftmaxHead.prototype, 'forward');
    const r = tf.variableGrads(() => {
      const loss = fused(x, y, mask, true, () => {
        throw new Error('the batch fits the fused form');
      });
      return factor === 1 ? loss : tf.mul(loss, factor);
    }, vars);
    const headRuns = heads.mock.calls.length;
    heads.mockRestore();
    const grads = vars.map((v) => Array.from(r.grads[v.name]!.dataSync()));
    const loss = r.value.dataSync()[0]!;
    tf.dispose([r.value, ...Object.values(r.grads)]);
    return { loss, grads, headRuns };
  }

  const flat = (g: number[][]) => g.flat();

  for (const cell of CELLS) {
    it(`${cell}, 2 stacked layers: same loss (1e-5) and gradients (1e-4) as the unfused loss; worker and inline halves agree bit for bit`, () => {
      const input = { type: 'oneHot', vocabSize: 7 } as const;
      const { model } = manyToMany({ cell, units: 6, classes: 7, input, seed: 5, layers: 2 });
      const x = batchFor(input, 5, 4, 1); // 5 rows: halves of 3 and 2
      const y = batchFor(input, 5, 4, 2);
      const before = tf.memory().numTensors;
      const worker = fusedRun(model, x, y);
      expect(worker.headRuns).toBe(1); // this thread's half; the worker ran the other
      runHalvesInline(true);
      const inline = fusedRun(model, x, y);
      runHalvesInline(false);
      expect(inline.headRuns).toBe(2); // both halves on this thread
      expect(inline.loss).toBe(worker.loss);
      expect(maxAbsDiff(flat(inline.grads), flat(worker.grads))).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
      // against the model's output and the unfused loss (what the trainer computes without fusing)
      const r = both(model, { loss: 'sparseCategoricalCrossentropy', x, y });
      expect(Math.abs(worker.loss - r.unfused)).toBeLessThan(1e-5);
      expect(r.gradDiff).toBeLessThan(1e-4);
      tf.dispose([x, y]);
      model.dispose();
    });
  }

  for (const cell of CELLS) {
    it(`${cell}: a loss gradient other than 1 (a scaled loss): the halves, which ran their backward passes ahead with 1, rescale every gradient`, () => {
      const input = { type: 'oneHot', vocabSize: 7 } as const;
      const { model } = manyToMany({ cell, units: 8, classes: 7, input, seed: 9, layers: 2 });
      const x = batchFor(input, 6, 5, 1);
      const y = batchFor(input, 6, 5, 2);
      const before = tf.memory().numTensors;
      const base = fusedRun(model, x, y);
      const scaled = fusedRun(model, x, y, undefined, 2.5);
      expect(tf.memory().numTensors).toBe(before);
      expect(scaled.headRuns).toBe(1); // the worker ran the other half's head
      expect(scaled.loss).toBeCloseTo(2.5 * base.loss, 5);
      const want = flat(base.grads).map((v) => 2.5 * v);
      expect(maxAbsDiff(flat(scaled.grads), want)).toBeLessThan(1e-6);
      expect(maxAbsDiff(want, new Array(want.length).fill(0))).toBeGreaterThan(1e-3);
      runHalvesInline(true);
      const inline = fusedRun(model, x, y, undefined, 2.5);
      runHalvesInline(false);
      expect(inline.headRuns).toBe(2);
      expect(maxAbsDiff(flat(inline.grads), flat(scaled.grads))).toBe(0);
      tf.dispose([x, y]);
      model.dispose();
    });
  }

  it("a float input the kernel reads as sparse (a ReLU layer's mostly-zero output), its gradient wanted, two scaled losses under one tape: the unfused gradients", () => {
    // x [8, 5, 4]: zero but for one step in each half of the batch, so the ReLU dense layer's
    // output is 1/20 non-zero in each (the kernel reads x as sparse from 1/16)
    const batch = 8;
    const time = 5;
    const xs = new Float32Array(batch * time * 4);
    for (const step of [3, 27]) xs.fill(1, step * 4, step * 4 + 4);
    const x = tf.tensor3d(xs, [batch, time, 4]);
    const y = tf.tensor2d(
      Array.from({ length: batch * time }, (_, i) => (i * 5) % 7),
      [batch, time],
      'int32',
    );
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          units: 16,
          activation: 'relu',
          inputShape: [time, 4],
          kernelInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 1, seed: 3 }),
          biasInitializer: tfl.initializers.constant({ value: -1 }),
        }),
        new LSTM({ units: 8, returnSequences: true, kernelInitializer: 'glorotUniform' }),
        tfl.layers.dense({ units: 7 }),
      ],
    });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const fused = fusedHeadLoss(model, 'sparseCategoricalCrossentropy')!;
    const twice = (f: () => tf.Scalar) => tf.add(tf.mul(f(), 2.5), tf.mul(f(), 0.5)) as tf.Scalar;
    const before = tf.memory().numTensors;
    const heads = vi.spyOn(SoftmaxHead.prototype, 'forward');
    const a = tf.variableGrads(
      () =>
        twice(() =>
          fused(x, y, undefined, true, () => {
            throw new Error('fits');
          }),
        ),
      vars,
    );
    expect(heads.mock.calls.length).toBe(2); // this thread's halves: the worker ran the others
    heads.mockRestore();
    expect(tf.memory().numTensors).toBe(before + 1 + vars.length); // the loss and the gradients
    const b = tf.variableGrads(
      () => twice(() => sparseCE(model.apply(x, { training: true }) as tf.Tensor, y)),
      vars,
    );
    expect(a.value.dataSync()[0]).toBeCloseTo(b.value.dataSync()[0]!, 5);
    const first = vars[0]!.name; // the ReLU layer's kernel: reached through the LSTM's x gradient
    expect(tf.tidy(() => tf.max(tf.abs(b.grads[first]!)).dataSync()[0])).toBeGreaterThan(1e-3);
    for (const v of vars) {
      const diff = tf.tidy(
        () => tf.max(tf.abs(tf.sub(a.grads[v.name]!, b.grads[v.name]!))).dataSync()[0],
      );
      expect(diff, v.name).toBeLessThan(1e-4);
    }
    tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('a stateful last layer, two chunks under one tape (the first final states feed the second): no head offer, the unfused gradients', () => {
    const batch = 8;
    const time = 5;
    const model = tfl.sequential({
      layers: [
        new LSTM({
          units: 8,
          returnSequences: true,
          stateful: true,
          batchInputShape: [batch, time, 3],
        }),
        tfl.layers.dense({ units: 7 }),
      ],
    });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const chunk = (seed: number) =>
      tf.tensor3d(
        Array.from({ length: batch * time * 3 }, (_, i) => Math.sin(seed + i * 0.7)),
        [batch, time, 3],
      );
    const xs = [chunk(1), chunk(2)];
    const y = tf.tensor2d(
      Array.from({ length: batch * time }, (_, i) => (i * 3) % 7),
      [batch, time],
      'int32',
    );
    const fused = fusedHeadLoss(model, 'sparseCategoricalCrossentropy')!;
    const heads = vi.spyOn(SoftmaxHead.prototype, 'forward');
    model.resetStates();
    const before = tf.memory().numTensors;
    const a = tf.variableGrads(() => {
      const [l1, l2] = xs.map((x) =>
        fused(x, y, undefined, true, () => {
          throw new Error('fits');
        }),
      );
      return tf.add(l1!, l2!) as tf.Scalar;
    }, vars);
    expect(heads.mock.calls.length).toBe(2); // each chunk's whole head on this thread
    heads.mockRestore();
    model.resetStates();
    const b = tf.variableGrads(() => {
      const [l1, l2] = xs.map((x) => sparseCE(model.apply(x, { training: true }) as tf.Tensor, y));
      return tf.add(l1!, l2!) as tf.Scalar;
    }, vars);
    model.resetStates();
    expect(a.value.dataSync()[0]).toBeCloseTo(b.value.dataSync()[0]!, 5);
    for (const v of vars) {
      const diff = tf.tidy(
        () => tf.max(tf.abs(tf.sub(a.grads[v.name]!, b.grads[v.name]!))).dataSync()[0],
      );
      expect(diff, v.name).toBeLessThan(1e-4);
    }
    tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
    model.resetStates(); // the layer's kept states are its own until then
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...xs, y]);
    model.dispose();
  });

  it('keeps the whole head on this thread with a loss mask, and without the tape gives the same loss', () => {
    const input = { type: 'oneHot', vocabSize: 5 } as const;
    const { model } = manyToMany({ cell: 'lstm', units: 4, classes: 5, input, seed: 6 });
    const x = batchFor(input, 4, 3, 1);
    const y = batchFor(input, 4, 3, 2);
    const mask = tf.tensor2d([1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1], [4, 3]);
    const masked = fusedRun(model, x, y, mask);
    expect(masked.headRuns).toBe(0);
    const fused = fusedHeadLoss(model, 'sparseCategoricalCrossentropy')!;
    const unfused = () => {
      throw new Error('fits');
    };
    const taped = fusedRun(model, x, y).loss;
    const before = tf.memory().numTensors;
    const noTape = fused(x, y, undefined, false, unfused); // evaluation: forward only
    expect(noTape.dataSync()[0]).toBe(taped);
    noTape.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, mask]);
    model.dispose();
  });
});

describe('SoftmaxHead', () => {
  it("gives denseSoftmaxCrossEntropy's loss and gradients; ids outside the classes count as no label", () => {
    const [rows, units, classes] = [7, 5, 4];
    const r = (i: number) => Math.sin(i * 12.9898) * 0.8;
    const h = Float32Array.from({ length: rows * units }, (_, i) => r(i));
    const w = Float32Array.from({ length: units * classes }, (_, i) => r(i + 100));
    const b = Float32Array.from({ length: classes }, (_, i) => r(i + 200));
    const labels = Int32Array.from([0, 3, 1, -1, 2, 4, 3]); // -1 and 4: outside [0, 4)
    const head = new SoftmaxHead({ w, b, classes, labels }, h, rows, units, tfProducts);
    const loss = head.forward() / rows;
    const g = head.backward(0.5 / rows); // an upstream gradient of 0.5
    const ht = tf.tensor2d(h, [rows, units]);
    const wt = tf.tensor2d(w, [units, classes]);
    const bt = tf.tensor1d(b);
    const oneHot = tf.cast(
      tf.oneHot(tf.tensor1d(labels, 'int32'), classes),
      'float32',
    ) as tf.Tensor2D;
    const f = (hh: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.mul(
        denseSoftmaxCrossEntropy(hh as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, oneHot),
        0.5,
      );
    const ref = tf.grads(f)([ht, wt, bt]);
    const value = denseSoftmaxCrossEntropy(ht, wt, bt, oneHot).dataSync()[0]!;
    expect(Math.abs(loss - value)).toBeLessThan(1e-6);
    const close = (a: Float32Array, t: tf.Tensor) =>
      expect(maxAbsDiff(Array.from(a), Array.from(t.dataSync()))).toBeLessThan(1e-6);
    close(head.dh as Float32Array, ref[0]!);
    close(g.w, ref[1]!);
    close(g.b, ref[2]!);
    // rows with no label have no gradient
    expect(Array.from((head.dh as Float32Array).subarray(3 * units, 4 * units))).toEqual(
      Array(units).fill(0),
    );
    tf.dispose([ht, wt, bt, oneHot, ...ref]);
  });
});

describe('oneHotLookup', () => {
  const build = (n: number) => {
    const layer = tokenLayer({ type: 'oneHot', vocabSize: n }, 'tokens');
    const ids = tf.tensor2d(
      [
        [0, 3, 1],
        [2, 2, 0],
      ],
      [2, 3],
      'int32',
    );
    layer.apply(ids); // builds the identity table
    return { layer, ids };
  };

  it('gives the rows of the identity table (what the gather gave)', () => {
    const { layer, ids } = build(4);
    const out = layer.apply(ids) as tf.Tensor;
    const expected = tf.oneHot(ids, 4);
    expect(out.shape).toEqual([2, 3, 4]);
    expect(out.dtype).toBe('float32');
    expect(Array.from(out.dataSync())).toEqual(Array.from(expected.dataSync()));
    expect(layer.getClassName()).toBe('Embedding');
    // its ids, which the fused loss hands the next recurrent layer's kernel instead of the floats
    expect(Array.from(oneHotIds(layer, ids) ?? [])).toEqual([0, 3, 1, 2, 2, 0]);
    tf.dispose([out, expected, ids]);
    layer.dispose();
  });

  it.each(BACKENDS)(
    'gives the rows of the identity for any ids, int32 or float, on %s, without a tensor left behind',
    async (backend) => {
      await useBackend(backend);
      const { layer, ids } = build(7);
      const gather = layer.getWeights()[0] as tf.Tensor2D; // the identity table (the layer's own)
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 5 }),
          fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 15, maxLength: 15 }),
          fc.boolean(),
          (batch, time, pool, float) => {
            const before = tf.memory().numTensors;
            const values = pool.slice(0, batch * time);
            const x = tf.tensor2d(values, [batch, time], float ? 'float32' : 'int32');
            const out = layer.apply(x) as tf.Tensor;
            const rows = tf.tidy(() => tf.gather(gather, tf.tensor1d(values, 'int32')));
            expect(out.shape).toEqual([batch, time, 7]);
            expect(out.dtype).toBe('float32');
            expect(Array.from(out.dataSync())).toEqual(Array.from(rows.dataSync()));
            tf.dispose([x, out, rows]);
            expect(tf.memory().numTensors).toBe(before);
          },
        ),
        { numRuns: 40 },
      );
      tf.dispose(ids);
      layer.dispose();
      await useBackend('cpu');
    },
  );

  it('gathers from a table that is no longer the identity', () => {
    const { layer, ids } = build(4);
    const table = tf.tensor2d(
      Float32Array.from({ length: 16 }, (_, i) => i),
      [4, 4],
    );
    layer.setWeights([table]);
    const out = layer.apply(ids) as tf.Tensor;
    expect(Array.from(out.dataSync()).slice(0, 8)).toEqual([0, 1, 2, 3, 12, 13, 14, 15]);
    expect(oneHotLookup(layer)).toBe(layer); // patching twice changes nothing
    tf.dispose([out, table, ids]);
    layer.dispose();
  });

  it('reports ids outside the vocabulary as the gather does', () => {
    const { layer, ids } = build(4);
    const bad = tf.tensor2d([[0, 4]], [1, 2], 'int32');
    expect(() => layer.apply(bad)).toThrow();
    tf.dispose([bad, ids]);
    layer.dispose();
  });
});

describe('resetAfter option of the topologies', () => {
  it('builds the stock tfjs GRU (bias [3 units]) with resetAfter false, Keras 2 by default', () => {
    const input = { type: 'oneHot', vocabSize: 5 } as const;
    const a = manyToMany({ cell: 'gru', units: 4, classes: 5, input, resetAfter: false });
    const b = manyToMany({ cell: 'gru', units: 4, classes: 5, input });
    const bias = (m: tfl.LayersModel) => m.getLayer('rnn_1').getWeights()[2]!.shape;
    expect(bias(a.model)).toEqual([12]);
    expect(bias(b.model)).toEqual([2, 12]);
    a.model.dispose();
    b.model.dispose();
  });

  it('rejects a value that is not a boolean', () => {
    expect(() =>
      manyToOne({
        cell: 'gru',
        units: 2,
        input: { type: 'features', features: 1 },
        head: { type: 'none' },
        resetAfter: 'no' as unknown as boolean,
      }),
    ).toThrow(/resetAfter must be true or false/);
  });
});
