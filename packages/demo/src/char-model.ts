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
import { type CellType, manyToMany } from '@rnnkit/models';
import { createTrainer } from '@rnnkit/training';
import { charTokenizer, Vocab } from '@rnnkit/vocab';
import { nextTokenWindows } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import type { CharStep } from './tutorial.js';

/** One iteration of program 1, with what the docs' demo draws. */
export interface CharModelStep extends CharStep {
  /** After the update: the probability the model gives the right next character, per position. */
  targetProbs: number[];
}

/**
 * A recurrent layer's weights as plain arrays, in its own (Keras) layout: `kernel`
 * [features][k * units], `recurrentKernel` [units][k * units], `bias` [k * units] (a GRU with
 * `resetAfter`: two rows, input and recurrent).
 */
export interface RecurrentWeights {
  kernel: number[][];
  recurrentKernel: number[][];
  bias: number[] | number[][] | null;
}

/** A sentence the program cannot learn from (fewer than 2 characters). */
export class DemoInputError extends Error {
  override name = 'DemoInputError';
}

export interface CharModelRun {
  /** What a perfect model predicts: the text without its first character. */
  target: string;
  /** The input text (the sentence without its last character). */
  input: string;
  /** One Adam update; returns the loss before it and the prediction after it. */
  step(): CharModelStep;
  /** The inputs as the recurrent layer reads them: one-hot rows, [time][vocab size]. */
  oneHots(): number[][];
  /** The recurrent layer's weights now, as plain arrays in its own layout. */
  recurrentWeights(): RecurrentWeights;
  /** The recurrent layer's output h_t at every step now, [time][units], computed by the model. */
  hSequence(): number[][];
  dispose(): void;
}

/**
 * Program 1's model; the docs' cell explorer builds it with another `cell` and `units` (default:
 * the tutorial's SimpleRNN with hidden size = vocabulary size) and reads its recurrent layer.
 */
export function createCharModel(args: {
  text: string;
  seed: number;
  cell?: CellType;
  units?: number;
}): CharModelRun {
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
  const { model, recurrent } = manyToMany({
    cell: args.cell ?? 'rnn',
    units: args.units ?? V,
    classes: V,
    input: { type: 'oneHot', vocabSize: V },
    seed: args.seed,
  });
  const trainer = createTrainer(model, {
    loss: 'sparseCategoricalCrossentropy',
    optimizer: { type: 'adam', learningRate: 0.1 },
  });
  const layer = recurrent[0]![0]!;
  const hModel = tfl.model({ inputs: model.inputs, outputs: layer.output as tfl.SymbolicTensor });
  let i = 0;
  return {
    target: vocab.decode(yIds),
    input: vocab.decode(xIds),
    oneHots: () =>
      Array.from(xIds, (id) => Array.from({ length: V }, (_, j) => (j === id ? 1 : 0))),
    recurrentWeights() {
      const [kernel, recurrentKernel, bias] = layer.getWeights().map((w) => w.arraySync());
      return {
        kernel: kernel as number[][],
        recurrentKernel: recurrentKernel as number[][],
        bias: (bias ?? null) as number[] | number[][] | null,
      };
    },
    hSequence() {
      const hs = tf.tidy(() => hModel.predict(x) as tf.Tensor3D);
      const out = hs.arraySync()[0]!;
      hs.dispose();
      return out;
    },
    step() {
      const loss = trainer.step({ x, y }); // loss before this update, as the tutorial prints it
      const [best, right] = tf.tidy(() => {
        const logits = model.predict(x) as tf.Tensor; // [1, time, V]
        const p = tf.reshape(tf.softmax(logits, -1), [L, V]);
        const onTarget = tf.sum(tf.mul(p, tf.oneHot(tf.reshape(y, [L]) as tf.Tensor1D, V)), -1); // [time]
        return [tf.argMax(logits, -1), onTarget]; // [1, time], [time]
      });
      const prediction = vocab.decode(best.dataSync());
      const targetProbs = Array.from(right.dataSync());
      tf.dispose([best, right]);
      return { i: i++, loss, prediction, targetProbs };
    },
    dispose() {
      tf.dispose([x, y]);
      trainer.dispose();
      model.dispose();
    },
  };
}
