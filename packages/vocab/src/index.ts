export { UnknownTokenError, VocabError } from './errors.js';
export { oneHot } from './one-hot.js';
export type { CharTokenizerArgs, Tokenizer } from './tokenizers.js';
export { charTokenizer } from './tokenizers.js';
export type { SpecialToken, VocabArgs } from './vocab.js';
export { Vocab } from './vocab.js';
