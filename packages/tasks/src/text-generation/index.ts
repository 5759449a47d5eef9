/**
 * Text generation: a character (or, with `unit: 'word'`, a word) language model (many-to-many,
 * aligned). Trains on a text, reports bits per character (perplexity per word) on held-out text,
 * and generates from a prime with temperature, top-k and top-p sampling. Its neighbours: options.ts (the options and their size-based defaults),
 * train.ts (the windows and the training run), predict.ts (evaluate, generate, save, restore).
 *
 * @example
 * ```ts
 * import { textGeneration } from '@rnnkit/tasks';
 * const lm = await textGeneration.train(book, { epochs: 1 });
 * // logs: text: cell lstm, units 256, seqLength 64, epochs 1 (set) (defaults for 1.1 MB of text)
 * lm.evaluate(heldOut).bitsPerChar; // 2.2455 on the last 5% of Moby-Dick (bench/quality/text.mjs)
 * lm.generate({ prime: 'The whale', length: 40, temperature: 0.8, seed: 1 }); // 'The whale ...'
 * await lm.save('out/moby', { weights: 'float16' }); // half the bytes; stock tfjs loads it
 * const words = await textGeneration.train(book, { unit: 'word' });
 * words.generate({ prime: 'the whale', length: 12, seed: 1 }); // twelve words, single spaces
 * ```
 */
import { TEXT_GENERATION, textDefaults } from './options.js';
import { trainTextGeneration } from './train.js';

export {
  DEFAULT_GENERATE_LENGTH,
  DEFAULT_TEMPERATURE,
  TEXT_DEFAULTS,
  TEXT_GENERATION,
  TEXT_LARGE_CHARS,
  TEXT_MEDIUM_CHARS,
  TEXT_UNITS,
  type TextGenerationOptions,
  type TextGenerationResolved,
  type TextUnit,
  textDefaults,
  WORD_DEFAULTS,
  WORD_LARGE_WORDS,
  WORD_MEDIUM_WORDS,
} from './options.js';
export {
  type CharMetrics,
  type GenerateTextArgs,
  restoreTextGeneration,
  type TextGenerator,
  type TextMetrics,
  type WordMetrics,
} from './predict.js';
export { trainTextGeneration } from './train.js';

/** The task: `textGeneration.train(text, options, hooks)`; `defaults(chars, options)`. */
export const textGeneration = {
  name: TEXT_GENERATION,
  train: trainTextGeneration,
  defaults: textDefaults,
} as const;
