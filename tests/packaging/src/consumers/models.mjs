// @rnnkit/models: build a many-to-one GRU and a char LM, predict, generate, save and load.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { generate, load, manyToMany, manyToOne, save } from '@rnnkit/models';

tf.env().set('PROD', true);
await tf.setBackend('cpu');
const { model } = manyToOne({
  cell: 'gru',
  units: 8,
  input: { type: 'features', features: 2 },
  head: { type: 'regression', outputs: 1 },
  seed: 0,
});
const x = tf.tensor3d(
  Float32Array.from({ length: 3 * 5 * 2 }, (_, i) => Math.sin(i)),
  [3, 5, 2],
);
const y = model.predict(x);
assert.deepEqual(y.shape, [3, 1]);
const values = Array.from(y.dataSync());
assert.ok(values.every(Number.isFinite));

const lm = manyToMany({
  cell: 'lstm',
  units: 8,
  classes: 6,
  input: { type: 'oneHot', vocabSize: 6 },
  seed: 0,
});
const g = generate(lm.model, { prompts: [[1, 2]], maxLength: 5, seed: 1 });
assert.equal(g.generations[0].tokens.length, 5);

const dir = await mkdtemp(join(tmpdir(), 'rnnkit-models-'));
try {
  await save(model, join(dir, 'm'), {
    task: 'forecasting',
    topology: { builder: 'manyToOne', args: {} },
  });
  const loaded = await load(join(dir, 'm'));
  const again = Array.from(loaded.model.predict(x).dataSync());
  assert.ok(
    again.every((v, i) => Math.abs(v - values[i]) < 1e-6),
    'load predicts what save saw',
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(
  `models ok: gru predict [${values.map((v) => v.toFixed(4)).join(', ')}], lstm generated ${g.generations[0].tokens.join(' ')}`,
);
