/**
 * Conditional generation's trained task: what a trained or restored generator does: bits per char
 * on held-out examples, sequences for a condition, save; and `restoreConditionalGeneration` for
 * `loadTask`. Beside it: options.ts (the options and defaults), train.ts (how it was trained).
 */
import { type LoadedModel, type OneToManyModel, oneToMany, sampleToken } from '@rnnkit/models';
import { sparseCategoricalCrossentropy } from '@rnnkit/training';
import type { Vocab } from '@rnnkit/vocab';
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { rebuilt, type SavableTask, saveAndDispose, savedConfig } from '../common.js';
import { checkInt, checkRange, TaskError } from '../errors.js';
import {
  builderArgs,
  CONDITIONAL_GENERATION,
  type ConditionalExample,
  type ConditionalGenerationResolved,
  checkExamples,
  conditionRows,
  teacherForcing,
} from './options.js';

export interface GenerateSequenceArgs {
  /** How many. Default 1. */
  count?: number;
  /** < 1 sharper, > 1 more random. Default 1. */
  temperature?: number;
  topK?: number;
  topP?: number;
  strategy?: 'greedy' | 'sample';
  /** Seed of the draws. Default 0. */
  seed?: number;
}

export interface ConditionalGenerator extends SavableTask {
  readonly task: typeof CONDITIONAL_GENERATION;
  readonly options: ConditionalGenerationResolved;
  readonly vocab: Vocab;
  /** The conditions, in the order of the one-hot units. */
  readonly conditions: string[];
  readonly net: OneToManyModel;
  /** Bits per character (`<eos>` included) of held-out examples given their condition. */
  evaluate(heldOut: readonly ConditionalExample[]): { bitsPerChar: number; examples: number };
  /** Texts generated for a condition, each until `<eos>` (or maxLength characters). */
  generate(condition: string, args?: GenerateSequenceArgs): string[];
}

export function conditionalGenerator(
  net: OneToManyModel,
  vocab: Vocab,
  conditions: string[],
  o: ConditionalGenerationResolved,
  metrics: Record<string, number>,
): ConditionalGenerator {
  const conditionId = (c: string): number => {
    const i = conditions.indexOf(c);
    if (i < 0) {
      throw new TaskError(
        'BAD_OPTION',
        `unknown condition ${JSON.stringify(c)}: expected one of ${conditions.join(', ')}`,
      );
    }
    return i;
  };
  const task: ConditionalGenerator = {
    task: CONDITIONAL_GENERATION,
    options: o,
    vocab,
    conditions,
    net,
    metrics,
    evaluate(heldOut) {
      checkExamples(heldOut, 'held-out data');
      const T = o.maxLength + 1;
      const texts = heldOut.map((e) => e.text.slice(0, o.maxLength));
      const tfd = teacherForcing(vocab, texts, T);
      let nats = 0;
      let chars = 0;
      const B = 256;
      for (let s = 0; s < texts.length; s += B) {
        const n = Math.min(B, texts.length - s);
        const loss = tf.tidy(() => {
          const c = conditionRows(
            tf.tensor1d(
              heldOut.slice(s, s + n).map((e) => conditionId(e.condition)),
              'int32',
            ),
            conditions.length,
          );
          const tokens = tf.tensor2d(tfd.tokensIn.subarray(s * T, (s + n) * T), [n, T], 'int32');
          const y = tf.tensor2d(tfd.y.subarray(s * T, (s + n) * T), [n, T], 'int32');
          const mask = tf.tensor2d(tfd.mask.subarray(s * T, (s + n) * T), [n, T]);
          const logits = net.model.predict([c, tokens]) as tf.Tensor;
          return sparseCategoricalCrossentropy(logits, y, mask);
        });
        let real = 0;
        for (const m of tfd.mask.subarray(s * T, (s + n) * T)) real += m;
        nats += loss.dataSync()[0]! * real;
        loss.dispose();
        chars += real;
      }
      const m = { bitsPerChar: nats / chars / Math.LN2, examples: heldOut.length };
      task.metrics = { ...m };
      return m;
    },
    generate(condition, args = {}) {
      const id = conditionId(condition);
      const count = checkInt('count', args.count ?? 1, 1, 'count: 10');
      const temperature = checkRange(
        'temperature',
        args.temperature ?? 1,
        1e-6,
        100,
        'temperature: 0.8',
      );
      const sampling = {
        temperature,
        ...(args.topK !== undefined ? { topK: args.topK } : {}),
        ...(args.topP !== undefined ? { topP: args.topP } : {}),
        ...(args.strategy !== undefined ? { strategy: args.strategy } : {}),
        // padding, unknown characters and the start token never belong inside a generated name
        suppress: [vocab.padId, vocab.unkId, vocab.bosId].filter((i) => i !== undefined),
      };
      const rand = mulberry32(args.seed ?? 0);
      const bos = vocab.bosId!;
      const eos = vocab.eosId!;
      const out: number[][] = Array.from({ length: count }, () => []);
      const done = new Array<boolean>(count).fill(false);
      const c = tf.tidy(() => conditionRows(tf.fill([count], id, 'int32'), conditions.length)); // [count, C]
      let state = net.conditionToState(c);
      let prev = new Int32Array(count).fill(bos);
      try {
        for (let t = 0; t < o.maxLength && done.includes(false); t++) {
          const p = tf.tensor1d(prev, 'int32');
          const r = net.step(p, state, c);
          p.dispose();
          tf.dispose(state);
          state = r.state;
          const logits = r.logits.dataSync(); // [count, classes]
          r.logits.dispose();
          const V = vocab.size;
          prev = new Int32Array(count);
          for (let i = 0; i < count; i++) {
            const tok = sampleToken(logits, sampling, rand, i * V, V);
            prev[i] = tok;
            if (done[i]) continue;
            if (tok === eos) done[i] = true;
            else out[i]!.push(tok);
          }
        }
      } finally {
        tf.dispose([c, ...state]);
      }
      return out.map((ids) => vocab.decode(ids, { skipSpecials: true }));
    },
    ...saveAndDispose(
      net.model,
      () => ({
        task: CONDITIONAL_GENERATION,
        builder: 'oneToMany',
        args: builderArgs(o, vocab.size, conditions.length),
        vocab: vocab.toJSON(),
        config: { ...o, conditions },
        metrics: task.metrics,
      }),
      net,
    ),
  };
  return task;
}

/** The task from a loaded artifact: the builder rebuilt (for its step model), the weights copied. */
export function restoreConditionalGeneration(loaded: LoadedModel): ConditionalGenerator {
  const config = savedConfig<ConditionalGenerationResolved & { conditions: string[] }>(loaded);
  if (!loaded.vocab || !config?.conditions) {
    throw new TaskError(
      'BAD_ARTIFACT',
      'a conditional-generation artifact must hold its vocab and conditions: save it again',
    );
  }
  const { conditions, ...o } = config;
  const net = rebuilt(loaded, oneToMany);
  return conditionalGenerator(
    net,
    loaded.vocab,
    conditions,
    o,
    loaded.meta.training?.metrics ?? {},
  );
}
