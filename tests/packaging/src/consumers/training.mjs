// @rnnkit/training: a few steps of train() on a tiny char model, loss going down.
import assert from 'node:assert/strict';
import { manyToMany } from '@rnnkit/models';
import { setup, train } from '@rnnkit/training';
import { nextTokenWindows } from '@rnnkit/windowing';

const { backend } = await setup({ backend: 'cpu' });
assert.equal(backend, 'cpu');
const ids = Int32Array.from({ length: 200 }, (_, i) => (i * 3 + Math.floor(i / 7)) % 6);
const examples = nextTokenWindows(ids, { seqLength: 8, stride: 4 });
const { model } = manyToMany({
  units: 8,
  classes: 6,
  input: { type: 'oneHot', vocabSize: 6 },
  seed: 0,
});
const history = await train(model, examples, {
  loss: 'sparseCategoricalCrossentropy',
  optimizer: { type: 'adam', learningRate: 0.05 },
  epochs: 3,
  batchSize: 16,
  seed: 1,
  logger: () => {},
});
assert.equal(history.steps, 3 * Math.ceil(examples.length / 16));
const first = history.loss[0];
const last = history.loss.at(-1);
assert.ok(last < first, `loss fell: ${first} -> ${last}`);
console.log(
  `training ok: ${history.steps} steps, loss ${first.toFixed(4)} -> ${last.toFixed(4)} (${history.stopReason})`,
);
