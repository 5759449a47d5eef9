/**
 * Symbol lists as tokens: a text is a separator-joined sequence of symbols, such as the phonemes
 * of a pronouncing dictionary (`HH AH0 L OW1`). Empty symbols (doubled separators) are dropped.
 *
 * @example
 * ```ts
 * import { symbolTokenizer } from '@rnnkit/vocab';
 * const t = symbolTokenizer();
 * t.tokenize('HH AH0 L OW1'); // ['HH', 'AH0', 'L', 'OW1']
 * t.detokenize(['HH', 'AH0', 'L', 'OW1']); // 'HH AH0 L OW1'
 * symbolTokenizer({ separator: '|' }).tokenize('k|a|t'); // ['k', 'a', 't']
 * ```
 */
import { describeValue, VocabError } from './errors.js';
import type { Tokenizer } from './tokenizer.js';

export interface SymbolTokenizerArgs {
  /** The string between two symbols; default `' '`. Must not be empty. */
  separator?: string;
}

const DEFAULT_SEPARATOR = ' ';

/** Separator-split symbols; `detokenize` joins with the separator. */
export function symbolTokenizer(args: SymbolTokenizerArgs = {}): Tokenizer {
  const separator = args.separator ?? DEFAULT_SEPARATOR;
  if (typeof separator !== 'string' || separator === '') {
    throw new VocabError(
      'INVALID_ARGUMENT',
      `symbolTokenizer: separator must be a non-empty string, got ${describeValue(separator)}: ` +
        `to split into characters use charTokenizer()`,
    );
  }
  return {
    name: 'symbol',
    lossless: false,
    tokenize: (text) => text.split(separator).filter((s) => s !== ''),
    detokenize: (tokens) => tokens.join(separator),
    toJSON: () => ({ type: 'symbol', separator }),
    safeCut: (text) => {
      const i = text.lastIndexOf(separator);
      return i < 0 ? 0 : i + separator.length;
    },
  };
}
