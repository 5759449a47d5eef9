/**
 * Text generation's training: the non-overlapping next-token windows of the text (characters, or
 * words with `unit: 'word'`) and the training run (cosine schedule, bits per char, or perplexity
 * per word, on held-out text every epoch). Beside it: options.ts (the
 * options and defaults), predict.ts (the task it returns).
 */
import { manyToMany } from '@rnnkit/models';
import { charTokenizer, type Tokenizer, Vocab, wordTokenizer } from '@rnnkit/vocab';
import { nextTokenWindows } from '@rnnkit/windowing';
import { announce, runTraining, type TaskHooks } from '../common.js';
import { TaskError } from '../errors.js';
import { scheduleFor } from '../lr-schedule.js';
import { builderArgs, type TextGenerationOptions, type TextUnit, textDefaults } from './options.js';
import { type TextGenerator, textGenerator } from './predict.js';

/** The tokenizer of a unit (the word one is `wordTokenizer()`'s defaults, saved with the vocab). */
export function tokenizerOf(unit: TextUnit): Tokenizer {
  return unit === 'word' ? wordTokenizer() : charTokenizer();
}

/** Trains a char (or, with `unit: 'word'`, a word) language model on `text`. */
export async function trainTextGeneration(
  text: string,
  options: TextGenerationOptions = {},
  hooks: TaskHooks = {},
): Promise<TextGenerator> {
  if (typeof text !== 'string' || text.length < 2) {
    throw new TaskError(
      'BAD_DATA',
      `text generation needs a text of at least 2 characters, got ${typeof text === 'string' ? `${text.length}` : typeof text}: pass the corpus as one string (read files with @rnnkit/datasets fromTextFile)`,
    );
  }
  const unit = options.unit === 'word' ? 'word' : 'char'; // textDefaults checks the value
  const tokenizer = tokenizerOf(unit);
  const tokens = unit === 'word' ? tokenizer.tokenize(text).length : text.length;
  if (tokens < 2) {
    throw new TaskError(
      'BAD_DATA',
      `word-level text generation needs a text of at least 2 words, got ${tokens}: pass a longer corpus`,
    );
  }
  const { resolved, line } = textDefaults(tokens, options);
  const v = options.validation;
  const units = unit === 'word' ? 'words' : 'characters';
  const heldTokens =
    typeof v === 'string' ? (unit === 'word' ? tokenizer.tokenize(v).length : v.length) : 0;
  if (v !== undefined && (typeof v !== 'string' || heldTokens < 2)) {
    throw new TaskError(
      'BAD_OPTION',
      `validation must be a held-out text of at least 2 ${units}, got ${typeof v === 'string' ? `${heldTokens} ${units}` : typeof v}: e.g. the last 5% of the corpus, or leave it out`,
    );
  }
  announce(hooks, line, { ...resolved });
  // words: the maxVocab most frequent (specials included), the rest <unk>
  const vocab = Vocab.fromTexts(
    [text],
    unit === 'word' ? { tokenizer, maxSize: resolved.maxVocab! } : { tokenizer },
  );
  const ids = vocab.encode(text);
  const seqLength = Math.min(resolved.seqLength, ids.length - 1);
  // non-overlapping windows: x = ids[i..i+L), y = ids[i+1..i+L+1)
  const windows = nextTokenWindows(ids, { seqLength, stride: seqLength, lastWindow: 'pad' });
  const { model } = manyToMany(builderArgs(resolved, vocab.size));
  const steps = resolved.epochs * Math.ceil(windows.length / resolved.batchSize);
  const held = v === undefined ? new Int32Array(0) : vocab.encode(v);
  const L = Math.min(seqLength, held.length - 1);
  const val =
    held.length >= 2
      ? nextTokenWindows(held, { seqLength: L, stride: L, lastWindow: 'pad' })
      : undefined;
  await runTraining(
    'text',
    model,
    windows,
    {
      loss: 'sparseCategoricalCrossentropy',
      common: resolved,
      ...scheduleFor(resolved, steps),
      ...(val
        ? { validation: val, metrics: [unit === 'word' ? 'perplexity' : 'bitsPerChar'] }
        : {}),
    },
    hooks,
  );
  return textGenerator(model, vocab, resolved, {});
}
