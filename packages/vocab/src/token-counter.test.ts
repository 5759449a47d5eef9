import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charTokenizer } from './char-tokenizer.js';
import { symbolTokenizer } from './symbol-tokenizer.js';
import { TokenCounter } from './token-counter.js';
import type { Tokenizer } from './tokenizer.js';
import { wordTokenizer } from './word-tokenizer.js';

/** Counts by the plain definition: tokenize the whole text, count in a Map. */
function reference(tokenizer: Tokenizer, text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of tokenizer.tokenize(text)) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

const sorted = (m: Map<string, number>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));

/** A text and the offsets where it is cut into chunks. */
const textAndCuts = (text: fc.Arbitrary<string>) =>
  text.chain((s) =>
    fc.tuple(
      fc.constant(s),
      fc.uniqueArray(fc.integer({ min: 0, max: s.length }), { maxLength: 8 }),
    ),
  );

function chunks(s: string, cuts: number[]): string[] {
  const at = [0, ...[...cuts].sort((a, b) => a - b), s.length];
  return at.slice(1).map((end, i) => s.slice(at[i], end));
}

// Words, spaces, newlines, punctuation, Hangul, combining marks, emoji and ZWJ sequences: the
// characters whose clusters or words a careless chunk boundary would break.
const pieces = [
  'the',
  'whale',
  ' ',
  '  ',
  '\n',
  '\r\n',
  ',',
  '한',
  'ᄒ',
  'ᅡ',
  'ᆫ',
  'e',
  '\u0301',
  '👍',
  '🏽',
  '\u200d',
  '🇰',
  '🇷',
  'HH',
  'AH0',
];
const tricky = fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((a) => a.join(''));

describe('TokenCounter', () => {
  const tokenizers: [string, Tokenizer][] = [
    ['codePoint', charTokenizer()],
    ['grapheme', charTokenizer({ unit: 'grapheme' })],
    ['word', wordTokenizer()],
    ['word keepPunctuation', wordTokenizer({ keepPunctuation: true })],
    ['word RegExp split', wordTokenizer({ split: /,/ })],
    ['symbol', symbolTokenizer()],
    [
      'custom (no safeCut)',
      {
        name: 'lines',
        tokenize: (s) => s.split('\n').filter((l) => l !== ''),
        detokenize: (t) => t.join('\n'),
      },
    ],
  ];

  it.each(tokenizers)('%s: counts a text cut into any chunks as the whole text', (_, tokenizer) => {
    fc.assert(
      fc.property(textAndCuts(fc.oneof(tricky, fc.string({ unit: 'grapheme' }))), ([s, cuts]) => {
        const counter = new TokenCounter(tokenizer);
        for (const c of chunks(s, cuts)) counter.push(c);
        expect(sorted(counter.counts())).toEqual(sorted(reference(tokenizer, s)));
      }),
    );
  });

  it('decodes UTF-8 byte chunks split inside a character', () => {
    fc.assert(
      fc.property(textAndCuts(fc.string({ unit: 'binary' }).map((s) => s)), ([s]) => {
        const bytes = new TextEncoder().encode(s);
        const counter = new TokenCounter(charTokenizer());
        for (let i = 0; i < bytes.length; i += 3) counter.push(bytes.subarray(i, i + 3));
        expect(sorted(counter.counts())).toEqual(sorted(reference(charTokenizer(), s)));
      }),
    );
  });

  it('counts code points by the fast path exactly as by tokenize', () => {
    const s = 'a\ud800b👍👍\udc00안';
    const counter = new TokenCounter(charTokenizer()).add(s);
    expect(sorted(counter.counts())).toEqual(sorted(reference(charTokenizer(), s)));
    expect(counter.total).toBe(7);
  });

  it('counts token streams and keeps first-seen order for non-char tokenizers', () => {
    const counter = new TokenCounter(wordTokenizer()).addTokens(['b', 'a', 'b']).add('c a');
    expect([...counter.counts()]).toEqual([
      ['b', 2],
      ['a', 2],
      ['c', 1],
    ]);
    expect(counter.total).toBe(5);
  });

  it('ends a stream when asked for counts, so the last token is not lost', () => {
    const counter = new TokenCounter(wordTokenizer()).push('call me').push(' ishm').push('ael');
    expect(counter.counts().get('ishmael')).toBe(1);
  });

  it('rejects a chunk that is neither string nor bytes', () => {
    expect(() => new TokenCounter(charTokenizer()).push(42 as never)).toThrow(
      /expected a string or Uint8Array chunk, got number 42/,
    );
    expect(() => new TokenCounter(charTokenizer()).add(null as never)).toThrow(/got null/);
  });
});
