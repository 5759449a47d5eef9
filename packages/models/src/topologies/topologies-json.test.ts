/**
 * The topologies' model.json round trip: every builder's training model rebuilt from its JSON
 * with rnnkit's customObjects() computes the same outputs (rnnkit's own layer classes, such as
 * 'rnnkit>DotAttention', are found by name).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { customObjects } from '../layers/custom-objects.js';
import { maxDiff, useCpu } from '../test-helpers.js';
import { manyToMany } from './many-to-many.js';
import { manyToOne } from './many-to-one.js';
import { oneToMany } from './one-to-many.js';
import { seq2seq } from './seq2seq.js';

beforeAll(useCpu);

async function roundTrip(
  { model, dispose }: { model: tfl.LayersModel; dispose?: () => void },
  inputs: tf.Tensor[],
): Promise<string[]> {
  const json = model.toJSON(null, false) as unknown as tf.io.ModelJSON['modelTopology'];
  const copy = await tfl.models.modelFromJSON(
    { modelTopology: json } as tf.io.ModelJSON,
    customObjects() as never,
  );
  copy.setWeights(model.getWeights());
  const a = model.predict(inputs) as tf.Tensor;
  const b = copy.predict(inputs) as tf.Tensor;
  expect(maxDiff(a, b)).toBeLessThan(1e-6);
  const classes = copy.layers.map((l) => l.getClassName());
  tf.dispose([a, b, ...inputs]);
  copy.dispose();
  if (dispose) dispose();
  else model.dispose();
  return classes;
}

const ids = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');

describe('model.json round trip with customObjects()', () => {
  it('manyToMany bidirectional (ReverseTime)', async () => {
    const net = manyToMany({
      cell: 'gru',
      units: 3,
      classes: 4,
      bidirectional: true,
      input: { type: 'embedding', vocabSize: 5, dims: 2, maskZero: true },
    });
    const classes = await roundTrip(net, [ids([[1, 2, 3, 0]])]);
    expect(classes).toContain('rnnkit>ReverseTime');
  });

  it('manyToOne stacked with a one-hot input', async () => {
    const net = manyToOne({
      cell: 'lstm',
      units: 3,
      layers: 2,
      input: { type: 'oneHot', vocabSize: 5 },
      head: { type: 'binary' },
    });
    await roundTrip(net, [ids([[1, 2, 3, 4]])]);
  });

  it('oneToMany with the condition at every step (BroadcastTime)', async () => {
    const net = oneToMany({
      cell: 'lstm',
      units: 3,
      classes: 4,
      condition: { type: 'class', classes: 2 },
      input: { type: 'embedding', vocabSize: 4, dims: 2 },
      conditionEveryStep: true,
    });
    const classes = await roundTrip(net, [ids([[1]]), ids([[1, 2, 3]])]);
    expect(classes).toContain('rnnkit>BroadcastTime');
  });

  for (const attention of ['dot', 'additive'] as const) {
    it(`seq2seq with ${attention} attention`, async () => {
      const net = seq2seq({
        cell: 'gru',
        units: 3,
        classes: 5,
        attention,
        bidirectional: true,
        source: { type: 'embedding', vocabSize: 5, dims: 2, maskZero: true },
        target: { type: 'embedding', vocabSize: 5, dims: 2 },
      });
      const classes = await roundTrip(net, [ids([[1, 2, 0]]), ids([[1, 4]])]);
      expect(classes).toContain(
        attention === 'dot' ? 'rnnkit>DotAttention' : 'rnnkit>AdditiveAttention',
      );
      expect(classes).toContain('rnnkit>PaddingMask');
    });
  }
});
