/**
 * Program 1 of the tutorial, step by step: a character model that learns to predict the next
 * character of one sentence. One-hot input, a SimpleRNN with hidden size = vocab size, a dense
 * layer per step, sequence loss, Adam at 0.1. `rnnkit demo` (apps/cli/src/commands/demo/) and the
 * docs' demo worker (apps/docs/demos/char-model.worker.ts) both run it; tutorial.ts holds its
 * defaults and progress line.
 *
 * @example
 * ```ts
 * const run = createCharModel({ text: ' My name is Ji Myung Hwa.', seed: 0 });
 * run.step(); // { i: 0, loss: 2.69..., prediction: 'Ma .amg .s ya Myungm.aa.' } on cpu
 * run.dispose();
 * ```
 */
import { manyToMany } from '@rnnkit/models';
import { createTrainer } from '@rnnkit/training';
import { charTokenizer, Vocab } from '@rnnkit/vocab';
import { nextTokenWindows } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';

import type { CharStep } from './tutorial.js';

/** A sentence the program cannot learn from (fewer than 2 characters). */
export class DemoInputError extends Error {
  override name = 'DemoInputError';
}

export interface CharModelRun {
  /** What a perfect model predicts: the text without its first character. */
  target: string;
  /** One Adam update; returns the loss before it and the prediction after it. */
  step(): CharStep;
  dispose(): void;
}

export function createCharModel(args: { text: string; seed: number }): CharModelRun {
  const tokenizer = charTokenizer();
  if (tokenizer.tokenize(args.text).length < 2) {
    throw new DemoInputError(
      `the sentence needs at least 2 characters to predict a next one, got ${JSON.stringify(args.text)}: try "hihello"`,
    );
  }
  const vocab = Vocab.fromTexts([args.text], { tokenizer, specials: [] }); // idx2char
  const V = vocab.size; // dic_size = hidden_size = num_classes
  const ids = vocab.encode(args.text);
  const { x: xIds, y: yIds } = nextTokenWindows(ids, { seqLength: ids.length - 1 }).get(0); // x = ids[:-1], y = ids[1:]
  const L = xIds.length; // sequence_length
  const x = tf.tensor2d(xIds, [1, L], 'int32'); // [batch 1, time]: ids, one-hot inside the model
  const y = tf.tensor2d(yIds, [1, L], 'int32'); // [batch 1, time]
  const { model } = manyToMany({
    cell: 'rnn',
    units: V,
    classes: V,
    input: { type: 'oneHot', vocabSize: V },
    seed: args.seed,
  });
  const trainer = createTrainer(model, {
    loss: 'sparseCategoricalCrossentropy',
    optimizer: { type: 'adam', learningRate: 0.1 },
  });
  let i = 0;
  return {
    target: vocab.decode(yIds),
    step() {
      const loss = trainer.step({ x, y }); // loss before this update, as the tutorial prints it
      const best = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, -1)); // [1, time]
      const prediction = vocab.decode(best.dataSync());
      best.dispose();
      return { i: i++, loss, prediction };
    },
    dispose() {
      tf.dispose([x, y]);
      trainer.dispose();
      model.dispose();
    },
  };
}
