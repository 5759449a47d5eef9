/**
 * Sequence to sequence (encoder-decoder with attention): grapheme to phoneme, transliteration,
 * short translation. A source (a string read as characters, or an array of symbols) is encoded;
 * the decoder emits target tokens until `<eos>`, greedily or by beam search. Reports word
 * accuracy (the whole output right) and the token error rate (edit distance / reference length:
 * the phoneme error rate for G2P). Its neighbours: options.ts (the options, their size-based
 * defaults, the vocabularies), train.ts (length buckets and the training run), predict.ts
 * (decode, evaluate, save, restore).
 *
 * @example
 * ```ts
 * import { seq2seq } from '@rnnkit/tasks';
 * const g2p = await seq2seq.train(dict.map((r) => ({ source: r.word, target: r.phonemes })));
 * // seq2seq: cell gru, units 128, epochs 3, attention dot (defaults for 113440 examples)
 * g2p.predict(['whale'], { beamWidth: 4 })[0].tokens; // ['W', 'EY', 'L']
 * g2p.evaluate(test, { beamWidth: 4 }); // { wordAccuracy: 0.594, tokenErrorRate: 0.1062, ... } (bench/quality/seq2seq.mjs)
 * ```
 */
import { SEQ2SEQ, seq2seqDefaults } from './options.js';
import { trainSeq2seq } from './train.js';

export {
  DEFAULT_MAX_SEQUENCE_LENGTH,
  DEFAULT_SEQ2SEQ_ATTENTION,
  SEQ2SEQ,
  SEQ2SEQ_DEFAULTS,
  SEQ2SEQ_LARGE_EXAMPLES,
  SEQ2SEQ_MEDIUM_EXAMPLES,
  type Seq2SeqExample,
  type Seq2SeqOptions,
  type Seq2SeqResolved,
  type Sequence,
  seq2seqDefaults,
} from './options.js';
export {
  type DecodeArgs,
  restoreSeq2seq,
  type Seq2SeqMetrics,
  type Seq2SeqPrediction,
  type Seq2SeqTask,
} from './predict.js';
export { lengthBuckets, trainSeq2seq } from './train.js';

/** The task: `seq2seq.train(pairs, options, hooks)`; `defaults(n, options)`. */
export const seq2seq = {
  name: SEQ2SEQ,
  train: trainSeq2seq,
  defaults: seq2seqDefaults,
} as const;
