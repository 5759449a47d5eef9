import { manyToMany, manyToOne, oneToMany } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeModel, logicalLayers, weightOf } from './model-graph.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('describeModel', () => {
  it('reads layers in order with snake_case configs, wiring and weights', () => {
    const { model } = manyToOne({
      cell: 'lstm',
      units: 3,
      input: { type: 'embedding', vocabSize: 7, dims: 4, maskZero: true },
      seqLength: 5,
      head: { type: 'classes', classes: 2 },
      seed: 0,
    });
    const g = describeModel(model);
    const lstm = g.layers.find((l) => l.className === 'LSTM');
    expect(lstm?.config['return_sequences']).toBe(false);
    expect(weightOf(lstm!, 'kernel').shape).toEqual([4, 12]);
    expect(weightOf(lstm!, 'recurrent_kernel').shape).toEqual([3, 12]);
    const emb = g.layers.find((l) => l.className === 'Embedding')!;
    expect(emb.config['mask_zero']).toBe(true);
    expect(lstm!.inputs).toEqual([emb.name]);
    // the values are the model's own
    const w = (model.getLayer(lstm!.name).getWeights()[0] as tf.Tensor).dataSync();
    expect([...weightOf(lstm!, 'kernel').values]).toEqual([...w]);
    expect(g.outputs).toEqual(['logits']);
    expect(() => weightOf(emb, 'bias')).toThrow(/has no weight 'bias': it has embeddings/);
    model.dispose();
  });
});

describe('describeModel wiring', () => {
  it("reads each model's own wiring, with tensor indices, for layers shared with another model", () => {
    const net = oneToMany({
      cell: 'lstm',
      units: 3,
      classes: 5,
      condition: { type: 'class', classes: 2 },
      input: { type: 'embedding', vocabSize: 5, dims: 2 },
      seed: 0,
    });
    const step = describeModel(net.stepModel);
    const lstm = step.layers.find((l) => l.name === 'decoder_1')!;
    // in the step model the state inputs feed it, not the condition layers of the training model
    expect(lstm.inputTensors).toEqual([
      { layer: 'tokens_embedding', index: 0 },
      { layer: 'state_h_1', index: 0 },
      { layer: 'state_c_1', index: 0 },
    ]);
    expect(step.outputTensors).toEqual([
      { layer: 'logits', index: 0 },
      { layer: 'decoder_1', index: 1 },
      { layer: 'decoder_1', index: 2 },
    ]);
    const train = describeModel(net.model).layers.find((l) => l.name === 'decoder_1')!;
    expect(train.inputs).toEqual(['tokens_embedding', 'condition_h_1', 'condition_c_1']);
    net.dispose();
  });
});

describe('logicalLayers', () => {
  it('folds a bidirectional stack into one recurrent layer per level', () => {
    for (const returnSequences of [false, true]) {
      const build = returnSequences ? manyToMany : manyToOne;
      const { model } = build({
        cell: 'gru',
        units: 3,
        layers: 2,
        bidirectional: true,
        input: { type: 'features', features: 2 },
        seqLength: 4,
        ...(returnSequences ? { classes: 3 } : { head: { type: 'regression' } }),
        seed: 1,
      } as never);
      const logical = logicalLayers(describeModel(model));
      const rec = logical.filter((l) => l.kind === 'recurrent');
      expect(rec).toHaveLength(2);
      for (const r of rec) {
        if (r.kind !== 'recurrent') continue;
        expect(r.cell).toBe('gru');
        expect(r.merge).toBe('concat');
        expect(r.backward?.config['go_backwards']).toBe(true);
      }
      model.dispose();
    }
  });

  it('leaves a one-direction stack as it is', () => {
    const { model } = manyToOne({
      cell: 'rnn',
      units: 2,
      layers: 2,
      input: { type: 'features', features: 1 },
      seqLength: 3,
      head: { type: 'regression' },
      seed: 0,
    });
    const kinds = logicalLayers(describeModel(model)).map((l) => l.kind);
    expect(kinds.filter((k) => k === 'recurrent')).toHaveLength(2);
    expect(kinds[0]).toBe('input');
    model.dispose();
  });
});
