/**
 * The `Tokenizer` contract shared by every tokenizer, and the JSON that describes a built-in one.
 *
 * @example
 * ```ts
 * import { charTokenizer, type Tokenizer } from '@rnnkit/vocab';
 * const t: Tokenizer = charTokenizer();
 * t.tokenize('hi!'); // ['h', 'i', '!']
 * t.toJSON?.(); // { type: 'char', unit: 'codePoint' }
 * ```
 */

/** A tokenizer splits a text into tokens and joins tokens back into text. */
export interface Tokenizer {
  /** Stable name (`'char'`, `'char-grapheme'`, `'word'`, `'symbol'`), for logs and errors. */
  readonly name: string;
  tokenize(text: string): string[];
  detokenize(tokens: readonly string[]): string;
  /** True when `detokenize(tokenize(s)) === s` for every string `s` (code points, graphemes). */
  readonly lossless?: boolean;
  /**
   * A JSON description that `tokenizerFromJSON` turns back into an equivalent tokenizer. Absent on
   * user-written tokenizers; throws `NOT_SERIALIZABLE` when the tokenizer holds a user function.
   */
  toJSON?(): TokenizerJSON;
  /**
   * For streaming: the largest index `i` such that no token of `text` straddles `i`, whatever text
   * follows, so `text.slice(0, i)` can be tokenized now and `text.slice(i)` carried over to the next
   * chunk. Without it, streams are cut after the last line break.
   */
  safeCut?(text: string): number;
}

/** Built-in standardisations of the word tokenizer (Keras `TextVectorization` names in camelCase). */
export type StandardizeName = 'lowerAndStripPunctuation' | 'lower' | 'stripPunctuation' | 'none';

/** JSON of a built-in tokenizer; `formatVersion` lives on the enclosing vocab JSON. */
export type TokenizerJSON =
  | { type: 'char'; unit: 'codePoint' | 'grapheme' }
  | {
      type: 'word';
      standardize: StandardizeName;
      /** `'whitespace'`, or a regular expression as its `source` and `flags`. */
      split: 'whitespace' | { pattern: string; flags: string };
      keepPunctuation: boolean;
    }
  | { type: 'symbol'; separator: string };

/** Index just after the last `'\n'` of `text` (0 if none): line breaks end every built-in token. */
export function afterLastNewline(text: string): number {
  return text.lastIndexOf('\n') + 1;
}
