/**
 * `@rnnkit/vocab`: tokenizers and vocabularies, text to ids and back, on any Unicode text.
 *
 * @example
 * ```ts
 * import { Vocab, charTokenizer } from '@rnnkit/vocab';
 * const vocab = Vocab.fromTexts(['안녕하세요'], { tokenizer: charTokenizer() });
 * vocab.encode('안녕'); // Int32Array [4, 2]  (<pad> 0, <unk> 1, then 녕 세 안 요 하: all once, by code unit)
 * ```
 *
 * @packageDocumentation
 */
export type { CharTokenizerArgs } from './char-tokenizer.js';
export { charTokenizer } from './char-tokenizer.js';
export type { VocabErrorCode } from './errors.js';
export { UnknownTokenError, VocabError, VocabFormatError } from './errors.js';
export type { CountIdsOptions } from './one-hot.js';
export { countIds, oneHot } from './one-hot.js';
export type { OovPolicy, SpecialToken } from './specials.js';
export { DEFAULT_SPECIALS, SPECIAL_TOKENS } from './specials.js';
export type { SymbolTokenizerArgs } from './symbol-tokenizer.js';
export { symbolTokenizer } from './symbol-tokenizer.js';
export { TokenCounter } from './token-counter.js';
export type { StandardizeName, Tokenizer, TokenizerJSON } from './tokenizer.js';
export { tokenizerFromJSON } from './tokenizer-json.js';
export type { DecodeOptions, EncodedBatch, EncodeOptions } from './vocab.js';
export { Vocab } from './vocab.js';
export type { VocabArgs } from './vocab-args.js';
export type { VocabJSON } from './vocab-json.js';
export { VOCAB_FORMAT_VERSION } from './vocab-json.js';
export type { Standardize, WordTokenizerArgs } from './word-tokenizer.js';
export { wordTokenizer } from './word-tokenizer.js';
