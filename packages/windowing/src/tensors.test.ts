import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { batches } from './batches.js';
import { nextTokenWindows } from './next-token.js';
import { seq2seqPairs } from './seq2seq.js';
import { seriesWindowSource } from './series-windows.js';
import { tensorBatches, toFitDataset, toTensors } from './tensors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const windows = nextTokenWindows(
  Int32Array.from({ length: 12 }, (_, i) => i),
  { seqLength: 3 },
); // 9 windows

describe('toTensors', () => {
  it('makes one tensor per field with the batch shape; the caller owns them', () => {
    const before = tf.memory().numTensors;
    const b = windows.batch([0, 4]);
    const t = toTensors(b);
    expect(t.x.shape).toEqual([2, 3]);
    expect(t.x.dtype).toBe('int32');
    expect(t.mask.dtype).toBe('float32');
    expect(Array.from(t.y.dataSync())).toEqual([1, 2, 3, 5, 6, 7]);
    tf.dispose([t.x, t.y, t.mask]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('copies: refilling a reused buffer does not change an existing tensor', () => {
    const b = windows.batch([0]);
    const t = toTensors(b, ['x']);
    windows.batch([5], b); // refill the same buffers
    expect(Array.from(t.x.dataSync())).toEqual([0, 1, 2]);
    expect(Object.keys(t)).toEqual(['x']);
    t.x.dispose();
  });

  it('gives [batch, time, features] series tensors', () => {
    const src = seriesWindowSource(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { seqLength: 2, horizon: 1 },
    );
    const t = toTensors(src.batch([0]));
    expect(t.x.shape).toEqual([1, 2, 2]);
    expect(t.y?.shape).toEqual([1, 2]);
    tf.dispose([t.x, t.y!]);
  });
});

describe('tensorBatches', () => {
  it('disposes each batch when the next is requested, and the last at the end', () => {
    const before = tf.memory().numTensors;
    let count = 0;
    for (const t of tensorBatches(batches(windows, { batchSize: 4, reuse: true }))) {
      expect(tf.memory().numTensors).toBe(before + 3); // x, y, mask of this batch only
      expect(t.x.shape[1]).toBe(3);
      count++;
    }
    expect(count).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('disposes on break too', () => {
    const before = tf.memory().numTensors;
    for (const t of tensorBatches(batches(windows, { batchSize: 2 }))) {
      expect(t.x.isDisposed).toBe(false);
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('toFitDataset', () => {
  it('yields { xs, ys } per batch, re-iterable per epoch, with the requested fields only', async () => {
    const before = tf.memory().numTensors;
    const ds = toFitDataset(batches(windows, { batchSize: 4 }), { xs: 'x', ys: 'y' });
    expect(ds.size).toBe(3);
    for (let epoch = 0; epoch < 2; epoch++) {
      const it = await ds.iterator();
      let n = 0;
      for (let r = await it.next(); !r.done; r = await it.next()) {
        const { xs, ys } = r.value;
        expect((xs as tf.Tensor).shape[1]).toBe(3);
        tf.dispose([xs as tf.Tensor, ys as tf.Tensor]); // what fitDataset does after each step
        n++;
      }
      expect(n).toBe(3);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('passes several inputs as an array (seq2seq teacher forcing)', async () => {
    const pairs = seq2seqPairs([[5, 6]], [[7]], { bosId: 1, eosId: 2, padId: 0 });
    const ds = toFitDataset(batches(pairs, { batchSize: 1 }), {
      xs: ['encoderInput', 'decoderInput'],
      ys: 'decoderTarget',
    });
    const r = await (await ds.iterator()).next();
    expect(r.done).toBe(false);
    if (r.done) return;
    const xs = r.value.xs as tf.Tensor[];
    expect(xs.map((t) => t.shape)).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(Array.from((r.value.ys as tf.Tensor).dataSync())).toEqual([7, 2]);
    tf.dispose([...xs, r.value.ys as tf.Tensor]);
  });
});
