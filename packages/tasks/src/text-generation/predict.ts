/**
 * Text generation's trained task: what a trained or restored language model does: bits per char on
 * held-out text, generation from a prime, save; and `restoreTextGeneration` for `loadTask`. Beside
 * it: options.ts (the options and defaults), train.ts (how it was trained).
 */
import { generate as generateTokens, type LoadedModel } from '@rnnkit/models';
import { sparseCategoricalCrossentropy } from '@rnnkit/training';
import type { Vocab } from '@rnnkit/vocab';
import { nextTokenWindows } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type SavableTask, saveAndDispose, savedConfig } from '../common.js';
import { checkInt, TaskError } from '../errors.js';
import {
  builderArgs,
  DEFAULT_GENERATE_LENGTH,
  DEFAULT_TEMPERATURE,
  TEXT_GENERATION,
  type TextGenerationResolved,
} from './options.js';

export interface GenerateTextArgs {
  /**
   * Text to start from (at least one token). Default '\n' for a char model, the most frequent
   * word for a word model (whose unknown words read as `<unk>`).
   */
  prime?: string;
  /** Tokens to generate (characters, or words). Default 200. */
  length?: number;
  /** < 1 sharper, > 1 more random. Default 1. */
  temperature?: number;
  /** Draw only among the k most likely characters. */
  topK?: number;
  /** Draw only from the nucleus of probability p. */
  topP?: number;
  /** 'greedy' always takes the most likely character. Default 'sample'. */
  strategy?: 'greedy' | 'sample';
  /** Seed of the draws: the same seed gives the same text. Default 0. */
  seed?: number;
}

export interface CharMetrics extends Record<string, number> {
  /** Mean negative log2-likelihood per held-out character. */
  bitsPerChar: number;
  /** Characters scored. */
  chars: number;
}

/** A word model's metrics (`<unk>` is one of its words, as in any capped vocab). */
export interface WordMetrics extends Record<string, number> {
  /** exp(mean negative log-likelihood per held-out word). */
  perplexity: number;
  /** Mean negative log2-likelihood per held-out word. */
  bitsPerWord: number;
  /** Words scored. */
  words: number;
}

/** What `evaluate` returns: per character, or per word for `unit: 'word'`. */
export type TextMetrics = CharMetrics | WordMetrics;

export interface TextGenerator extends SavableTask {
  readonly task: typeof TEXT_GENERATION;
  readonly options: TextGenerationResolved;
  readonly vocab: Vocab;
  readonly model: tfl.LayersModel;
  /** Bits per character (or perplexity per word) on held-out text. */
  evaluate(heldOut: string): TextMetrics;
  /** Text after `prime` (the prime itself not included). */
  generate(args?: GenerateTextArgs): string;
}

export function textGenerator(
  model: tfl.LayersModel,
  vocab: Vocab,
  options: TextGenerationResolved,
  metrics: Record<string, number>,
): TextGenerator {
  const unit = options.unit ?? 'char';
  const task: TextGenerator = {
    task: TEXT_GENERATION,
    options,
    vocab,
    model,
    metrics,
    evaluate(heldOut) {
      const ids = vocab.encode(heldOut);
      if (ids.length < 2) {
        throw new TaskError(
          'BAD_DATA',
          `held-out text has ${ids.length} ${unit === 'word' ? 'words' : 'characters'}, expected at least 2`,
        );
      }
      const L = Math.min(options.seqLength, ids.length - 1);
      const windows = nextTokenWindows(ids, { seqLength: L, stride: L, lastWindow: 'pad' });
      let nats = 0;
      let chars = 0;
      const B = 64;
      for (let s = 0; s < windows.length; s += B) {
        const idx = Int32Array.from({ length: Math.min(B, windows.length - s) }, (_, i) => s + i);
        const b = windows.batch(idx);
        const [rows, T] = b.shapes.x as [number, number];
        let real = 0;
        for (const m of b.mask) real += m;
        const loss = tf.tidy(() => {
          const x = tf.tensor2d(b.x, [rows, T], 'int32');
          const y = tf.tensor2d(b.y, [rows, T], 'int32');
          const mask = tf.tensor2d(Float32Array.from(b.mask), [rows, T]);
          const logits = model.predict(x) as tf.Tensor; // [rows, T, vocab]
          return sparseCategoricalCrossentropy(logits, y, mask); // mean nats per real char
        });
        nats += loss.dataSync()[0]! * real;
        loss.dispose();
        chars += real;
      }
      const m: TextMetrics =
        unit === 'word'
          ? {
              perplexity: Math.exp(nats / chars),
              bitsPerWord: nats / chars / Math.LN2,
              words: chars,
            }
          : { bitsPerChar: nats / chars / Math.LN2, chars };
      task.metrics = { ...m };
      return m;
    },
    generate(args = {}) {
      // a word model's default: its most frequent word (the first id after the specials)
      const prime = args.prime ?? (unit === 'word' ? vocab.tokenOf(vocab.specials.length)! : '\n');
      const ids = vocab.encode(prime);
      if (ids.length === 0) {
        throw new TaskError(
          'BAD_OPTION',
          `prime must have at least one ${unit}, got ${JSON.stringify(prime)}: e.g. "The whale"`,
        );
      }
      const length = checkInt('length', args.length ?? DEFAULT_GENERATE_LENGTH, 0, 'length: 200');
      const { generations } = generateTokens(model, {
        prompts: [ids],
        maxLength: length,
        temperature: args.temperature ?? DEFAULT_TEMPERATURE,
        ...(args.topK !== undefined ? { topK: args.topK } : {}),
        ...(args.topP !== undefined ? { topP: args.topP } : {}),
        ...(args.strategy !== undefined ? { strategy: args.strategy } : {}),
        // padding (the last window's tail) and unknown characters are not text to generate
        suppress: [vocab.padId, vocab.unkId].filter((i) => i !== undefined),
        seed: args.seed ?? 0,
      });
      // words: the tokenizer's detokenize joins them (single spaces)
      return vocab.decode(generations[0]!.tokens);
    },
    ...saveAndDispose(model, () => ({
      task: TEXT_GENERATION,
      builder: 'manyToMany',
      args: builderArgs(options, vocab.size),
      vocab: vocab.toJSON(),
      config: { ...options },
      metrics: task.metrics,
    })),
  };
  return task;
}

/** The task from a loaded artifact. */
export function restoreTextGeneration(loaded: LoadedModel): TextGenerator {
  if (!loaded.vocab) {
    throw new TaskError(
      'BAD_ARTIFACT',
      'a text-generation artifact must hold its vocab: save it again',
    );
  }
  // a model imported from another framework (rnnkit import --task text-generation) has no
  // training config: its options are then the defaults (a char model)
  const config = savedConfig<TextGenerationResolved>(loaded) ?? ({} as TextGenerationResolved);
  return textGenerator(loaded.model, loaded.vocab, config, loaded.meta.training?.metrics ?? {});
}
