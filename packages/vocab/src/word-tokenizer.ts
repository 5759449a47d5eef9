/**
 * Words as tokens, Keras `TextVectorization`-style: standardise (lowercase, strip punctuation, or a
 * user function), then split on whitespace or a regular expression. Lossy: `detokenize` joins
 * with single spaces.
 *
 * @example
 * ```ts
 * import { wordTokenizer } from '@rnnkit/vocab';
 * wordTokenizer().tokenize('Call me Ishmael. “Some years ago”'); // ['call', 'me', 'ishmael', 'some', 'years', 'ago']
 * wordTokenizer({ keepPunctuation: true }).tokenize('Hi, Ahab!'); // ['hi', ',', 'ahab', '!']
 * wordTokenizer({ standardize: 'none', split: /, ?/ }).tokenize('New York, Seoul'); // ['New York', 'Seoul']
 * ```
 */
import { describeValue, VocabError } from './errors.js';
import type { StandardizeName, Tokenizer, TokenizerJSON } from './tokenizer.js';
import { afterLastNewline } from './tokenizer.js';
import { PUNCT_CLASS, type PunctuationMode, scanWords } from './word-scan.js';

export type Standardize = StandardizeName | ((text: string) => string);

export interface WordTokenizerArgs {
  /**
   * Applied to the whole text before splitting. Default `'lowerAndStripPunctuation'`, as Keras's
   * `lower_and_strip_punctuation`: lowercase, then delete punctuation (`'don't'` -> `'dont'`,
   * `'sea-captain'` -> `'seacaptain'`). On ASCII the punctuation set is exactly Keras's
   * (`string.punctuation`); beyond ASCII it also deletes Unicode punctuation (`\p{P}`: curly quotes,
   * em dashes, `「」`), which Keras would leave glued to words. Lowercasing is Unicode
   * `toLowerCase` (Keras lowercases ASCII only). A function replaces all of this; it cannot be
   * saved to JSON, and when a corpus is streamed it must treat the text on either side of a
   * whitespace character independently (the stream is cut after whitespace).
   */
  standardize?: Standardize;
  /**
   * `'whitespace'` (default) splits on runs of Unicode whitespace; a `RegExp` is used as the
   * separator of `String.prototype.split`, within each line (a token never spans a line break,
   * so a streamed corpus can be cut at line breaks). Empty tokens are dropped either way.
   */
  split?: 'whitespace' | RegExp;
  /**
   * Keep each punctuation character as a token of its own instead of deleting it (default
   * `false`). Lowercasing still applies when the standardisation asks for it.
   */
  keepPunctuation?: boolean;
}

const DEFAULT_STANDARDIZE: StandardizeName = 'lowerAndStripPunctuation';
const STANDARDIZE_NAMES: readonly StandardizeName[] = [
  'lowerAndStripPunctuation',
  'lower',
  'stripPunctuation',
  'none',
];

const LINE_BREAK_RE = /\r\n|\n|\r/;
const PUNCT_RE = new RegExp(PUNCT_CLASS, 'gu');

/** Words as tokens, after Keras-like standardisation. */
export function wordTokenizer(args: WordTokenizerArgs = {}): Tokenizer {
  const standardize = args.standardize ?? DEFAULT_STANDARDIZE;
  const split = args.split ?? 'whitespace';
  const keepPunctuation = args.keepPunctuation ?? false;
  checkArgs(standardize, split, keepPunctuation);

  const lower = standardize === 'lowerAndStripPunctuation' || standardize === 'lower';
  const strip =
    !keepPunctuation &&
    (standardize === 'lowerAndStripPunctuation' || standardize === 'stripPunctuation');
  const mode: PunctuationMode = keepPunctuation ? 'keep' : strip ? 'strip' : 'word';

  const prepare = (text: string): string => {
    const s = typeof standardize === 'function' ? standardize(text) : text;
    return lower ? s.toLowerCase() : s; // the whole text at once: cheaper than per word
  };

  const tokenize = (text: string): string[] => {
    let s = prepare(text);
    if (split === 'whitespace') return scanWords(s, mode, true);
    // Keras's order: standardise the whole text, then split.
    if (strip) s = s.replace(PUNCT_RE, '');
    // Lines first: a token never spans a line break, which is what lets a stream be cut there.
    // Whitespace inside a piece ('new york') stays in the token.
    const pieces = s.split(LINE_BREAK_RE).flatMap((line) => line.split(split));
    return pieces.flatMap((p) => scanWords(p, keepPunctuation ? 'keep' : 'word', false));
  };

  const tokenizer: Tokenizer = {
    name: 'word',
    lossless: false,
    tokenize,
    detokenize: (tokens) => tokens.join(' '),
    toJSON: (): TokenizerJSON => {
      if (typeof standardize === 'function') {
        throw new VocabError(
          'NOT_SERIALIZABLE',
          'wordTokenizer: a custom standardize function cannot be saved to JSON: use a built-in ' +
            `standardize (${STANDARDIZE_NAMES.map((n) => `'${n}'`).join(', ')}), or standardize ` +
            'the texts yourself before tokenizing',
        );
      }
      return {
        type: 'word',
        standardize,
        split: split === 'whitespace' ? split : { pattern: split.source, flags: split.flags },
        keepPunctuation,
      };
    },
    // A whitespace split never joins across whitespace; a RegExp split never across lines.
    safeCut: split === 'whitespace' ? afterLastWhitespace : afterLastNewline,
  };
  if (split === 'whitespace') wordFastPaths.set(tokenizer, { prepare, mode });
  return tokenizer;
}

/**
 * How `TokenCounter` and `Vocab` tokenize with a whitespace-split word tokenizer without making a
 * string per word: `scanWordsInto(prepare(text), mode, true, sink)` yields the same words as
 * `tokenize(text)`.
 */
export const wordFastPaths = new WeakMap<
  Tokenizer,
  { prepare: (text: string) => string; mode: PunctuationMode }
>();

function checkArgs(standardize: unknown, split: unknown, keepPunctuation: unknown): void {
  if (typeof standardize !== 'function' && !STANDARDIZE_NAMES.includes(standardize as never)) {
    const hint =
      typeof standardize === 'string' && standardize.includes('_')
        ? ` (Keras's '${standardize}' is spelled in camelCase here)`
        : '';
    throw new VocabError(
      'INVALID_ARGUMENT',
      `wordTokenizer: standardize must be a function or one of ` +
        `${STANDARDIZE_NAMES.map((n) => `'${n}'`).join(', ')}, got ${describeValue(standardize)}${hint}`,
    );
  }
  if (split !== 'whitespace' && !(split instanceof RegExp)) {
    throw new VocabError(
      'INVALID_ARGUMENT',
      `wordTokenizer: split must be 'whitespace' or a RegExp, got ${describeValue(split)}`,
    );
  }
  if (typeof keepPunctuation !== 'boolean') {
    throw new VocabError(
      'INVALID_ARGUMENT',
      `wordTokenizer: keepPunctuation must be a boolean, got ${describeValue(keepPunctuation)}`,
    );
  }
}

const SPACE_RE = /\s/u;
function afterLastWhitespace(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    if (SPACE_RE.test(text[i]!)) return i + 1;
  }
  return 0;
}
