/**
 * Conditional generation's training: the capped examples per condition, the vocab and the training
 * run. Beside it: options.ts (the options and defaults), predict.ts (the task it returns).
 */
import { oneToMany } from '@rnnkit/models';
import { charTokenizer, Vocab } from '@rnnkit/vocab';
import * as tf from '@tensorflow/tfjs-core';
import {
  keptExamples,
  packedInputs,
  runTraining,
  shuffled,
  sideBySide,
  type TaskHooks,
} from '../common.js';
import {
  builderArgs,
  type ConditionalExample,
  type ConditionalGenerationOptions,
  type ConditionalGenerationResolved,
  checkExamples,
  conditionalDefaults,
  conditionRows,
  teacherForcing,
} from './options.js';
import { type ConditionalGenerator, conditionalGenerator } from './predict.js';

/**
 * The seeded, balanced sample of `data`: at most maxPerCondition examples of each condition (those
 * within maxLength), condition by condition in the conditions' sorted order.
 */
function balancedSample(data: readonly ConditionalExample[]) {
  return (o: ConditionalGenerationResolved): ConditionalExample[] => {
    const byCondition = new Map<string, ConditionalExample[]>();
    for (const i of shuffled(data.length, o.seed)) {
      const e = data[i]!;
      if (e.text.length > o.maxLength) continue;
      const list = byCondition.get(e.condition) ?? [];
      if (list.length < o.maxPerCondition) list.push(e);
      byCondition.set(e.condition, list);
    }
    return [...byCondition.keys()].sort().flatMap((c) => byCondition.get(c)!);
  };
}

/** Trains a conditional sequence generator. */
export async function trainConditionalGeneration(
  data: readonly ConditionalExample[],
  options: ConditionalGenerationOptions = {},
  hooks: TaskHooks = {},
): Promise<ConditionalGenerator> {
  checkExamples(data, 'conditional generation data');
  const { o, rows } = keptExamples(
    data,
    (n) => conditionalDefaults(n, options),
    balancedSample(data),
    (o) => `no example is at most maxLength (${o.maxLength}) characters long: raise maxLength`,
    hooks,
  );
  // rows come condition by condition, in the conditions' sorted order
  const conditions = [...new Set(rows.map((e) => e.condition))];
  const vocab = Vocab.fromTexts(
    rows.map((e) => e.text),
    { tokenizer: charTokenizer(), specials: ['<pad>', '<unk>', '<bos>', '<eos>'] },
  );
  const T = o.maxLength + 1;
  const index = new Map(conditions.map((c, i) => [c, i]));
  /** [condition | <bos> text] -> [text <eos>] rows, as the packed model reads them. */
  const encode = (examples: readonly ConditionalExample[]) => {
    const t = teacherForcing(
      vocab,
      examples.map((e) => e.text),
      T,
    );
    const cond = Int32Array.from(examples, (e) => index.get(e.condition)!);
    const n = examples.length;
    return {
      x: tf.tensor2d(sideBySide(cond, 1, t.tokensIn, T), [n, 1 + T], 'int32'),
      y: tf.tensor2d(t.y, [n, T], 'int32'),
      mask: tf.tensor2d(t.mask, [n, T]),
    };
  };
  const net = oneToMany(builderArgs(o, vocab.size, conditions.length));
  const train = encode(rows);
  if (options.validation) checkExamples(options.validation, 'validation');
  const held = (options.validation ?? []).filter(
    (e) => e.text.length <= o.maxLength && index.has(e.condition),
  );
  const val = held.length ? encode(held) : undefined;
  try {
    await runTraining(
      'names',
      packedInputs(net.model, 1, (a) => conditionRows(a, conditions.length)),
      train,
      {
        loss: 'sparseCategoricalCrossentropy',
        common: o,
        ...(val ? { validation: val, metrics: ['bitsPerChar'] } : {}),
      },
      hooks,
    );
  } finally {
    tf.dispose([...Object.values(train), ...(val ? Object.values(val) : [])]);
  }
  return conditionalGenerator(net, vocab, conditions, o, {});
}
