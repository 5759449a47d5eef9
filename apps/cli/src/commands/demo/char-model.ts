/**
 * Program 1 of the tutorial: a character model that learns to predict the next character of one
 * sentence. One-hot input, a SimpleRNN with hidden size = vocab size, a dense layer per step,
 * sequence loss, Adam at 0.1; one line per iteration: `i  loss  prediction`.
 */
import { manyToMany } from '@rnnkit/models';
import { createTrainer } from '@rnnkit/training';
import { charTokenizer, Vocab } from '@rnnkit/vocab';
import { nextTokenWindows } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { CliError } from '../../errors.js';

export const DEFAULT_TEXT = ' My name is Ji Myung Hwa.';
export const DEFAULT_ITERATIONS = 20;

export interface CharModelArgs {
  text: string;
  iterations: number;
  seed: number;
  /** Receives each iteration's line. */
  onLine: (line: string) => void;
}

export interface CharModelResult {
  losses: number[];
  predictions: string[];
  /** What a perfect model predicts: the text without its first character. */
  target: string;
}

export function runCharModel(args: CharModelArgs): CharModelResult {
  const tokenizer = charTokenizer();
  if (tokenizer.tokenize(args.text).length < 2) {
    throw new CliError(
      `--text needs at least 2 characters to predict a next one, got ${JSON.stringify(args.text)}: try --text "hihello"`,
      2,
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
  const losses: number[] = [];
  const predictions: string[] = [];
  try {
    for (let i = 0; i < args.iterations; i++) {
      const loss = trainer.step({ x, y }); // loss before this update, as the tutorial prints it
      const best = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, -1)); // [1, time]
      const prediction = vocab.decode(best.dataSync());
      best.dispose();
      losses.push(loss);
      predictions.push(prediction);
      args.onLine(`${i}  ${loss.toFixed(4)}  ${prediction}`);
    }
  } finally {
    tf.dispose([x, y]);
    trainer.dispose();
    model.dispose();
  }
  return { losses, predictions, target: vocab.decode(yIds) };
}
