/**
 * Trains the small character model that demo 4 ships (`public/models/char-lm/`): the first
 * 100 000 characters of Moby-Dick (`@rnnkit/datasets`, from the installed npm package, no
 * network), one-hot characters -> LSTM(64) -> dense softmax per step, windows of 64, batches of
 * 32, Adam 0.01 with gradients clipped to norm 5, 12 epochs, seed 0, on the wasm backend.
 *
 *   node scripts/train-demo-model.mjs     # from apps/docs, after the packages are built
 *
 * Prints one line per epoch (`epoch 1: loss 2.871, bits/char 4.14, 35.2 s`) and the held-out
 * loss on the next 5 000 characters, then saves the artifact (model.json, weights.bin,
 * rnnkit.json).
 */
import { fileURLToPath } from 'node:url';
import { mobyDick } from '@rnnkit/datasets';
import { manyToMany, save } from '@rnnkit/models';
import { createTrainer, setup } from '@rnnkit/training';
import { charTokenizer, Vocab } from '@rnnkit/vocab';
import { batches, nextTokenWindows } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';

const SEED = 0;
const CHARS = 100_000; // training text: the book's first 100k characters
const HELD_OUT = 5_000; // the next 5k, to report a held-out loss
const config = {
  cell: 'lstm',
  units: 64,
  seqLength: 64,
  batchSize: 32,
  learningRate: 0.01,
  clipNorm: 5,
  epochs: 12,
};

await setup({ backend: 'wasm', logger: console.log });
const book = (await mobyDick()).data;
const text = book.slice(0, CHARS);
const heldOut = book.slice(CHARS, CHARS + HELD_OUT);
const vocab = Vocab.fromTexts([text], { tokenizer: charTokenizer(), specials: ['<unk>'] });
const V = vocab.size;
console.log(`text: ${text.length} characters, vocab ${V}`);

const { model } = manyToMany({
  cell: config.cell,
  units: config.units,
  classes: V,
  input: { type: 'oneHot', vocabSize: V },
  seed: SEED,
});
const trainer = createTrainer(model, {
  loss: 'sparseCategoricalCrossentropy',
  optimizer: { type: 'adam', learningRate: config.learningRate },
  clipNorm: config.clipNorm,
});

const windows = nextTokenWindows(vocab.encode(text), {
  seqLength: config.seqLength,
  stride: config.seqLength,
});
const step = (b) =>
  tf.tidy(() => {
    const x = tf.tensor2d(b.x, b.shapes.x, 'int32'); // [batch, time]
    const y = tf.tensor2d(b.y, b.shapes.y, 'int32'); // [batch, time]
    return trainer.step({ x, y });
  });

let loss = 0;
for (let epoch = 0; epoch < config.epochs; epoch++) {
  const t0 = Date.now();
  let sum = 0;
  let n = 0;
  for (const b of batches(windows, {
    batchSize: config.batchSize,
    shuffle: true,
    seed: SEED + epoch,
  })) {
    sum += step(b) * b.size;
    n += b.size;
  }
  loss = sum / n;
  console.log(
    `epoch ${epoch + 1}: loss ${loss.toFixed(3)}, bits/char ${(loss / Math.LN2).toFixed(2)}, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}

const held = nextTokenWindows(vocab.encode(heldOut), {
  seqLength: config.seqLength,
  stride: config.seqLength,
});
let heldSum = 0;
let heldN = 0;
for (const b of batches(held, { batchSize: 64 })) {
  const x = tf.tensor2d(b.x, b.shapes.x, 'int32');
  const y = tf.tensor2d(b.y, b.shapes.y, 'int32');
  heldSum += trainer.evaluate({ x, y }) * b.size;
  heldN += b.size;
  tf.dispose([x, y]);
}
const heldLoss = heldSum / heldN;
console.log(`held-out loss ${heldLoss.toFixed(3)}, bits/char ${(heldLoss / Math.LN2).toFixed(2)}`);

const out = fileURLToPath(new URL('../public/models/char-lm', import.meta.url));
await save(model, out, {
  task: 'text-generation',
  topology: {
    builder: 'manyToMany',
    args: {
      cell: config.cell,
      units: config.units,
      classes: V,
      input: { type: 'oneHot', vocabSize: V },
    },
  },
  vocab: vocab.toJSON(),
  training: {
    config: {
      ...config,
      seed: SEED,
      data: `Moby-Dick, first ${CHARS} characters`,
      script: 'apps/docs/scripts/train-demo-model.mjs',
    },
    metrics: { loss, heldOutLoss: heldLoss, heldOutBitsPerChar: heldLoss / Math.LN2 },
  },
});
console.log(`saved ${out}`);
trainer.dispose();
model.dispose();
