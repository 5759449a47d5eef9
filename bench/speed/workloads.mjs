// The data of the speed workloads as plain arrays (read by api.mjs, profile-api.mjs and the
// hand-wired and stock loops of w1.mjs and w2.mjs, so every path trains on the same batches), and
// their models built the way a user builds them (topology + createTrainer).

import { manyToMany, manyToOne } from '@rnnkit/models';
import { createTrainer } from '@rnnkit/training';
import { mulberry32 } from '@rnnkit/windowing';

/** W1's shapes: vocab 65, seqLength 64, batch 32; `embedDims`: the embedding-input variant's width. */
export const W1 = { vocab: 65, seqLength: 64, batch: 32, embedDims: 64 };

/**
 * W1's fixed batches of random char ids (speed only: the values do not matter), from mulberry32(1): per
 * batch x and y = x shifted by one, Int32Array [batch * seqLength].
 */
export function w1Ids(count = 4) {
  const { vocab, seqLength, batch } = W1;
  const rand = mulberry32(1);
  return Array.from({ length: count }, () => {
    const ids = new Int32Array(batch * (seqLength + 1)).map(() => Math.floor(rand() * vocab));
    const x = new Int32Array(batch * seqLength);
    const y = new Int32Array(batch * seqLength);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < seqLength; t++) {
        x[b * seqLength + t] = ids[b * (seqLength + 1) + t];
        y[b * seqLength + t] = ids[b * (seqLength + 1) + t + 1];
      }
    }
    return { x, y };
  });
}

/** W2's shapes: 2000 windows of 5 values, LSTM(32), batch 32. */
export const W2 = { windows: 2000, window: 5, units: 32, batch: 32 };

/**
 * W2's windows of the noisy sine of bench/reference/speed_w2.py: xs [windows * window]
 * (window i = series[i .. i + window)), ys [windows] (the next value).
 */
export function w2Windows() {
  const { windows, window } = W2;
  const series = Array.from(
    { length: windows + window },
    (_, i) => Math.sin(i * 0.1) + 0.1 * Math.sin(i * 1.7),
  );
  const xs = new Float32Array(windows * window);
  const ys = new Float32Array(windows);
  for (let i = 0; i < windows; i++) {
    for (let j = 0; j < window; j++) xs[i * window + j] = series[i + j];
    ys[i] = series[i + window];
  }
  return { xs, ys };
}

/**
 * W1 through the public API: manyToMany with a one-hot input (ids in), sparse cross-entropy on the
 * logits, Adam 2e-3; GRU with resetAfter false (stock tfjs-layers' GRU, what stock is compared on).
 * `trainerArgs` adds trainer options (e.g. fuseHead); `embed`: a trainable embedding input of
 * `W1.embedDims` instead of one-hot.
 */
export function w1Trainer(cell, units, trainerArgs = {}, embed = false) {
  const { vocab, seqLength, embedDims } = W1;
  const { model } = manyToMany({
    cell,
    units,
    classes: vocab,
    input: embed
      ? { type: 'embedding', vocabSize: vocab, dims: embedDims }
      : { type: 'oneHot', vocabSize: vocab },
    seqLength,
    seed: 1,
    ...(cell === 'gru' ? { resetAfter: false } : {}),
  });
  const trainer = createTrainer(model, {
    loss: 'sparseCategoricalCrossentropy',
    optimizer: { type: 'adam', learningRate: 2e-3 },
    ...trainerArgs,
  });
  return { model, trainer };
}

/** W2's model through the public API: manyToOne, LSTM(32), features input, regression head. */
export function w2Model() {
  return manyToOne({
    cell: 'lstm',
    units: W2.units,
    input: { type: 'features', features: 1 },
    seqLength: W2.window,
    head: { type: 'regression' },
    seed: 1,
  }).model;
}
