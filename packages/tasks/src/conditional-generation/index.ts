/**
 * Conditional generation (one-to-many): a condition (e.g. a language) sets the decoder's initial
 * state and joins every input step; the decoder spells a sequence character by character until
 * `<eos>` (names per language). The condition goes in one-hot, as a feature vector (for a few
 * classes the same as a trainable class embedding, with nothing more to learn). Its neighbours:
 * options.ts (the options, their size-based defaults, the model's inputs), train.ts (the
 * training run), predict.ts (evaluate, generate, save, restore).
 *
 * @example
 * ```ts
 * import { conditionalGeneration } from '@rnnkit/tasks';
 * const names = await conditionalGeneration.train(
 *   rows.map((r) => ({ text: r.name, condition: r.language })));
 * // names: cell lstm, units 64, epochs 20 (defaults for 16815 examples)
 * names.generate('it', { count: 3, temperature: 0.8, seed: 1 }); // e.g. ['giulia', 'marco', 'ornella']
 * ```
 */
import { CONDITIONAL_GENERATION, conditionalDefaults } from './options.js';
import { trainConditionalGeneration } from './train.js';

export {
  CONDITIONAL_DEFAULTS,
  CONDITIONAL_GENERATION,
  CONDITIONAL_LARGE_EXAMPLES,
  CONDITIONAL_MEDIUM_EXAMPLES,
  type ConditionalExample,
  type ConditionalGenerationOptions,
  type ConditionalGenerationResolved,
  conditionalDefaults,
  DEFAULT_MAX_PER_CONDITION,
  DEFAULT_MAX_TEXT_LENGTH,
} from './options.js';
export {
  type ConditionalGenerator,
  type GenerateSequenceArgs,
  restoreConditionalGeneration,
} from './predict.js';
export { trainConditionalGeneration } from './train.js';

/** The task: `conditionalGeneration.train(examples, options, hooks)`; `defaults(n, options)`. */
export const conditionalGeneration = {
  name: CONDITIONAL_GENERATION,
  train: trainConditionalGeneration,
  defaults: conditionalDefaults,
} as const;
