// @rnnkit/windowing: windows of a series, next-token windows, batches, and the tensor adapter.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { batches, nextTokenWindows, seriesWindows, toTensors } from '@rnnkit/windowing';

await tf.setBackend('cpu');
const series = Float32Array.from({ length: 10 }, (_, t) => t);
const w = seriesWindows({ values: series, rows: 10, columns: 1 }, { seqLength: 3, horizon: 1 });
assert.equal(w.length, 7);
const first = w.get(0);
assert.deepEqual(Array.from(first.x), [0, 1, 2]);
assert.deepEqual(Array.from(first.y), [3]);
const ids = Int32Array.from([3, 1, 4, 1, 5, 9, 2, 6]);
const nt = nextTokenWindows(ids, { seqLength: 4, stride: 2 });
const batch = [...batches(nt, { batchSize: 2 })][0];
const before = tf.memory().numTensors;
const t = toTensors(batch);
assert.deepEqual(t.x.shape, [2, 4]);
tf.dispose(Object.values(t));
assert.equal(tf.memory().numTensors, before);
console.log(
  `windowing ok: ${w.length} series windows, first x ${Array.from(first.x)} y ${Array.from(first.y)}; ${nt.length} next-token windows`,
);
