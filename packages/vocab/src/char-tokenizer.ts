/**
 * Characters as tokens: Unicode code points, or grapheme clusters (user-perceived characters).
 * Both are lossless: `detokenize(tokenize(s)) === s` for every string, lone surrogates included.
 *
 * @example
 * ```ts
 * import { charTokenizer } from '@rnnkit/vocab';
 * charTokenizer().tokenize('안녕'); // ['안', '녕']
 * charTokenizer().tokenize('👍🏽'); // ['👍', '🏽']  (emoji + skin-tone modifier)
 * charTokenizer({ unit: 'grapheme' }).tokenize('👍🏽'); // ['👍🏽']
 * charTokenizer({ unit: 'grapheme' }).tokenize('한'.normalize('NFD')); // ['한'] (3 jamo, 1 token)
 * ```
 */
import { describeValue, VocabError } from './errors.js';
import type { Tokenizer, TokenizerJSON } from './tokenizer.js';

export interface CharTokenizerArgs {
  /**
   * `'codePoint'` (default) splits into Unicode code points; `'grapheme'` keeps user-perceived
   * characters (a decomposed Hangul syllable, a letter with combining marks, an emoji with
   * modifiers) as one token, using `Intl.Segmenter`.
   */
  unit?: 'codePoint' | 'grapheme';
}

const DEFAULT_UNIT = 'codePoint';
const UNITS = ['codePoint', 'grapheme'] as const;

/**
 * Tokenizers made by `charTokenizer({ unit: 'codePoint' })`. `Vocab` recognises them to count and
 * encode with `charCodeAt` instead of allocating one string per character (the hot path of char
 * language models).
 */
export const codePointTokenizers = new WeakSet<Tokenizer>();

/** Characters as tokens; lossless: `detokenize(tokenize(s)) === s`. */
export function charTokenizer(args: CharTokenizerArgs = {}): Tokenizer {
  const unit = args.unit ?? DEFAULT_UNIT;
  if (!UNITS.includes(unit)) {
    throw new VocabError(
      'INVALID_ARGUMENT',
      `charTokenizer: unit must be 'codePoint' or 'grapheme', got ${describeValue(unit)}`,
    );
  }
  const json: TokenizerJSON = { type: 'char', unit };
  const detokenize = (tokens: readonly string[]) => tokens.join('');
  if (unit === 'grapheme') {
    return {
      name: 'char-grapheme',
      lossless: true,
      tokenize: graphemes,
      detokenize,
      toJSON: () => ({ ...json }),
      // The last cluster may still grow (a combining mark, a jamo, a ZWJ may follow): carry it.
      safeCut: (text) => lastGraphemeStart(text),
    };
  }
  const tokenizer: Tokenizer = {
    name: 'char',
    lossless: true,
    tokenize: codePoints,
    detokenize,
    toJSON: () => ({ ...json }),
    // Only a trailing high surrogate can pair with what follows.
    safeCut: (text) =>
      isHighSurrogate(text.charCodeAt(text.length - 1)) ? text.length - 1 : text.length,
  };
  codePointTokenizers.add(tokenizer);
  return tokenizer;
}

export function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

export function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Code points; a lone surrogate is a token of its own (as `Array.from` does). */
function codePoints(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (
      isHighSurrogate(text.charCodeAt(i)) &&
      i + 1 < n &&
      isLowSurrogate(text.charCodeAt(i + 1))
    ) {
      out.push(text.slice(i, i + 2));
      i++;
    } else {
      out.push(text[i]!);
    }
  }
  return out;
}

// One segmenter for the process: building one costs far more than segmenting a short text.
// Grapheme boundaries (UAX #29) do not depend on the locale, so none is given.
let segmenter: Intl.Segmenter | undefined;
function getSegmenter(): Intl.Segmenter {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return segmenter;
}

function graphemes(text: string): string[] {
  const out: string[] = [];
  for (const s of getSegmenter().segment(text)) out.push(s.segment);
  return out;
}

function lastGraphemeStart(text: string): number {
  // A trailing high surrogate is half of a code point that the next chunk completes; the cluster
  // before it may still be extended by that code point (a skin-tone modifier), so carry both.
  const last = isHighSurrogate(text.charCodeAt(text.length - 1))
    ? text.length - 2
    : text.length - 1;
  if (last < 0) return 0;
  // `containing` asks ICU for the boundary before `last` without building every segment.
  return getSegmenter().segment(text).containing(last)?.index ?? 0;
}
