/**
 * Text generation's training: the non-overlapping next-char windows of the text and the training
 * run (cosine schedule, bits per char on held-out text every epoch). Beside it: options.ts (the
 * options and defaults), predict.ts (the task it returns).
 */
import { manyToMany } from '@rnnkit/models';
import { charTokenizer, Vocab } from '@rnnkit/vocab';
import { nextTokenWindows } from '@rnnkit/windowing';
import { announce, runTraining, type TaskHooks } from '../common.js';
import { TaskError } from '../errors.js';
import { scheduleFor } from '../lr-schedule.js';
import { builderArgs, type TextGenerationOptions, textDefaults } from './options.js';
import { type TextGenerator, textGenerator } from './predict.js';

/** Trains a char language model on `text`. */
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
  const { resolved, line } = textDefaults(text.length, options);
  const v = options.validation;
  if (v !== undefined && (typeof v !== 'string' || v.length < 2)) {
    throw new TaskError(
      'BAD_OPTION',
      `validation must be a held-out text of at least 2 characters, got ${typeof v === 'string' ? `${v.length} characters` : typeof v}: e.g. the last 5% of the corpus, or leave it out`,
    );
  }
  announce(hooks, line, { ...resolved });
  const vocab = Vocab.fromTexts([text], { tokenizer: charTokenizer() });
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
      ...(val ? { validation: val, metrics: ['bitsPerChar'] } : {}),
    },
    hooks,
  );
  return textGenerator(model, vocab, resolved, {});
}
