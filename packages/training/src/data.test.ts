import { batches, nextTokenWindows } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { epochSeed, planEpochs } from './data.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

const ids = Int32Array.from({ length: 41 }, (_, i) => i);
const windows = nextTokenWindows(ids, { seqLength: 4, stride: 4 }); // 10 windows, x[0] = 4k

/** First x id of every example of an epoch, batch by batch. */
function firsts(plan: ReturnType<typeof planEpochs>, epoch: number, skip = 0): number[][] {
  const out: number[][] = [];
  for (const b of plan.epoch(epoch, skip)) {
    const x = b.x.arraySync() as number[][];
    out.push(x.map((row) => row[0]!));
  }
  return out;
}

describe('planEpochs', () => {
  it('shuffles each epoch from (seed, epoch) alone, so any epoch can be replayed directly', () => {
    const plan = planEpochs(windows, { batchSize: 4, shuffle: true, seed: 3 });
    expect(plan.batchesPerEpoch).toBe(3);
    const e1 = firsts(plan, 1);
    expect(firsts(planEpochs(windows, { batchSize: 4, shuffle: true, seed: 3 }), 1)).toEqual(e1);
    expect(firsts(plan, 0)).not.toEqual(e1);
    expect(e1.flat().sort((a, b) => a - b)).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 36]);
    expect(firsts(plan, 1, 2)).toEqual(e1.slice(2)); // skipping = the rest of the same order
    expect(epochSeed(3, 1)).not.toBe(epochSeed(3, 0));
  });

  it('keeps source order without shuffle, y int32 for labels, mask float32', () => {
    const plan = planEpochs(windows, { batchSize: 4, shuffle: false, seed: 0, intLabels: true });
    expect(firsts(plan, 0)).toEqual([
      [0, 4, 8, 12],
      [16, 20, 24, 28],
      [32, 36],
    ]);
    for (const b of plan.epoch(0, 2)) {
      expect(b.y.dtype).toBe('int32');
      expect(b.mask!.dtype).toBe('float32');
    }
  });

  it('gathers tensor batches and disposes each when the next is taken (or the loop breaks)', () => {
    const x = tf.reshape(tf.range(0, 10), [10, 1]);
    const y = tf.range(0, 10);
    const before = tf.memory().numTensors;
    const plan = planEpochs({ x, y }, { batchSize: 3, shuffle: true, seed: 1 });
    let seen = 0;
    for (const b of plan.epoch(0, 0)) {
      seen += b.x.shape[0]!;
      expect(tf.memory().numTensors).toBe(before + 2);
    }
    expect(seen).toBe(10);
    for (const _ of plan.epoch(1, 0)) break;
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('tensor batches hold the rows tf.gather would give, dtypes and shapes kept', () => {
    // example i: x row [3i, 3i + 1, 3i + 2] (int32), y i / 2, mask row of i's parity (bool)
    const n = 10;
    const x = tf.tensor2d(
      Int32Array.from({ length: n * 3 }, (_, k) => k),
      [n, 3],
      'int32',
    );
    const y = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => i / 2));
    const mask = tf.tensor2d(
      Uint8Array.from({ length: n * 3 }, (_, k) => Math.floor(k / 3) % 2),
      [n, 3],
      'bool',
    );
    const before = tf.memory().numTensors;
    const plan = planEpochs({ x, y, mask }, { batchSize: 4, shuffle: true, seed: 2 });
    const seen: number[] = [];
    for (const b of plan.epoch(0, 0)) {
      expect([b.x.dtype, b.y.dtype, b.mask!.dtype]).toEqual(['int32', 'float32', 'bool']);
      expect(b.x.shape.slice(1)).toEqual([3]);
      const rows = b.x.arraySync() as number[][];
      const idx = rows.map((r) => r[0]! / 3);
      const want = tf.tidy(() => {
        const i = tf.tensor1d(idx, 'int32');
        return [tf.gather(x, i), tf.gather(y, i), tf.gather(mask, i)].map((t) => t.arraySync());
      });
      expect([rows, b.y.arraySync(), b.mask!.arraySync()]).toEqual(want);
      seen.push(...idx);
    }
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, mask]);
  });

  it('an iterable of array batches: its own order, length learnt after one epoch if unknown', () => {
    const it = batches(windows, { batchSize: 4 });
    const unknown = { [Symbol.iterator]: () => it[Symbol.iterator]() };
    const plan = planEpochs(unknown, { batchSize: 99, shuffle: true, seed: 0 });
    expect(plan.batchesPerEpoch).toBeUndefined();
    expect(firsts(plan, 0)).toEqual([
      [0, 4, 8, 12],
      [16, 20, 24, 28],
      [32, 36],
    ]);
    expect(plan.batchesPerEpoch).toBe(3);
    expect(firsts(plan, 1, 1)).toEqual([
      [16, 20, 24, 28],
      [32, 36],
    ]);
    expect(planEpochs(it, { batchSize: 1, shuffle: false, seed: 0 }).batchesPerEpoch).toBe(3);
  });

  it('rejects batches without x and y', () => {
    const source = {
      length: 2,
      batch: () => ({ size: 2, shapes: { a: [2] }, a: new Float32Array(2) }),
    };
    const plan = planEpochs(source, { batchSize: 2, shuffle: false, seed: 0 });
    expect(() => firsts(plan, 0)).toThrow(/expected x and y/);
  });
});
