/**
 * Tokenizers: text -> tokens -> text.
 *
 * @example
 * ```ts
 * import { charTokenizer } from '@rnnkit/vocab';
 * charTokenizer().tokenize('hi!'); // ['h', 'i', '!']
 * ```
 */

/** A tokenizer splits a text into tokens and joins tokens back into text. */
export interface Tokenizer {
  /** Stable name, stored in the vocab JSON. */
  readonly name: string;
  tokenize(text: string): string[];
  detokenize(tokens: readonly string[]): string;
}

export interface CharTokenizerArgs {
  /**
   * `'codePoint'` (default) splits into Unicode code points; `'grapheme'` keeps user-perceived
   * characters (a Hangul syllable, an emoji with modifiers) as one token.
   */
  unit?: 'codePoint' | 'grapheme';
}

/** Characters as tokens; lossless: `detokenize(tokenize(s)) === s`. */
export function charTokenizer(args: CharTokenizerArgs = {}): Tokenizer {
  const unit = args.unit ?? 'codePoint';
  return {
    name: unit === 'grapheme' ? 'char-grapheme' : 'char',
    tokenize: (text) => Array.from(text),
    detokenize: (tokens) => tokens.join(''),
  };
}
