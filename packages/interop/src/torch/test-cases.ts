/**
 * The models the PyTorch live suite and the docs' table check: every topology and cell, uni- and
 * bidirectional, stacked, with each input kind (embedding with padding, one-hot, features), and
 * fixed inputs for them (masked ones padded at the end, as PyTorch's packed sequences expect).
 */
import { type CellType, manyToMany, manyToOne, oneToMany, seq2seq } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface TorchCase {
  name: string;
  build(): { model: tfl.LayersModel; dispose(): void };
  inputs(): tf.Tensor[];
}

const CELLS: CellType[] = ['rnn', 'lstm', 'gru'];
const BATCH = 3;
const TIME = 5;

/** Ids in [1, vocab) with rows padded at the end by `pad[i]` zeros. */
function ids(vocab: number, time: number, pad: number[] = [], seed = 1): tf.Tensor {
  const v: number[] = [];
  let s = seed;
  for (let b = 0; b < BATCH; b++) {
    for (let t = 0; t < time; t++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      v.push(t >= time - (pad[b] ?? 0) ? 0 : 1 + (s % (vocab - 1)));
    }
  }
  return tf.tensor2d(v, [BATCH, time], 'int32');
}

function features(width: number, time: number | null, seed = 2): tf.Tensor {
  return tf.randomNormal(
    time === null ? [BATCH, width] : [BATCH, time, width],
    0,
    1,
    'float32',
    seed,
  );
}

const plain = (m: { model: tfl.LayersModel }) => ({
  model: m.model,
  dispose: () => m.model.dispose(),
});

export const TORCH_CASES: TorchCase[] = [
  ...CELLS.flatMap((cell): TorchCase[] =>
    [false, true].flatMap((bidirectional): TorchCase[] => {
      const tag = `${cell}${bidirectional ? '-bi' : ''}`;
      return [
        {
          name: `many-to-one ${tag} x2, masked embedding, classes`,
          build: () =>
            plain(
              manyToOne({
                cell,
                units: 4,
                layers: 2,
                bidirectional,
                dropout: 0.1,
                input: { type: 'embedding', vocabSize: 9, dims: 3, maskZero: true },
                head: { type: 'classes', classes: 3 },
                seed: 3,
              }),
            ),
          inputs: () => [ids(9, TIME, [0, 2, 4])],
        },
        {
          name: `many-to-one ${tag}, features, regression`,
          build: () =>
            plain(
              manyToOne({
                cell,
                units: 5,
                bidirectional,
                input: { type: 'features', features: 2 },
                head: { type: 'regression', outputs: 2 },
                seed: 4,
              }),
            ),
          inputs: () => [features(2, TIME)],
        },
        {
          name: `many-to-many ${tag} x2, one-hot`,
          build: () =>
            plain(
              manyToMany({
                cell,
                units: 4,
                layers: 2,
                bidirectional,
                input: { type: 'oneHot', vocabSize: 6 },
                classes: 6,
                seed: 5,
              }),
            ),
          inputs: () => [ids(6, TIME)],
        },
      ];
    }),
  ),
  ...CELLS.map(
    (cell): TorchCase => ({
      name: `many-to-one ${cell}, head none`,
      build: () =>
        plain(
          manyToOne({
            cell,
            units: 3,
            input: { type: 'features', features: 1 },
            head: { type: 'none' },
            seed: 6,
          }),
        ),
      inputs: () => [features(1, TIME)],
    }),
  ),
  ...CELLS.flatMap((cell): TorchCase[] => [
    {
      name: `one-to-many ${cell} x2, class condition`,
      build: () => {
        const m = oneToMany({
          cell,
          units: 4,
          layers: 2,
          condition: { type: 'class', classes: 3 },
          input: { type: 'embedding', vocabSize: 7, dims: 3 },
          classes: 7,
          seed: 7,
        });
        return { model: m.model, dispose: m.dispose };
      },
      inputs: () => [tf.tensor2d([[0], [2], [1]], [BATCH, 1], 'int32'), ids(7, TIME)],
    },
    {
      name: `one-to-many ${cell}, features condition every step`,
      build: () => {
        const m = oneToMany({
          cell,
          units: 4,
          condition: { type: 'features', features: 3 },
          conditionEveryStep: true,
          input: { type: 'oneHot', vocabSize: 5 },
          classes: 5,
          seed: 8,
        });
        return { model: m.model, dispose: m.dispose };
      },
      inputs: () => [features(3, null), ids(5, TIME)],
    },
  ]),
  ...CELLS.flatMap((cell): TorchCase[] =>
    (['none', 'dot', 'additive'] as const).map((attention, i) => {
      const bidirectional = i !== 0;
      const decoderCell = CELLS[(CELLS.indexOf(cell) + i) % 3]!;
      return {
        name: `seq2seq ${cell}${bidirectional ? '-bi' : ''} x2 -> ${decoderCell}, attention ${attention}, masked source`,
        build: () => {
          const m = seq2seq({
            cell,
            decoderCell,
            units: 3,
            layers: 2,
            bidirectional,
            attention,
            source: { type: 'embedding', vocabSize: 8, dims: 3, maskZero: true },
            target: { type: 'embedding', vocabSize: 6, dims: 2 },
            classes: 6,
            seed: 9,
          });
          return { model: m.model, dispose: m.dispose };
        },
        inputs: () => [ids(8, TIME + 1, [0, 1, 3], 3), ids(6, TIME - 1, [], 4)],
      };
    }),
  ),
];
