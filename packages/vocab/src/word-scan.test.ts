import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PUNCT_CLASS, scanWords } from './word-scan.js';

// The definitions the scanner must agree with, as regular expressions.
const PUNCT = PUNCT_CLASS.slice(1, -1);
const reference = {
  strip: (s: string) => s.replace(new RegExp(PUNCT_CLASS, 'gu'), '').match(/\S+/gu) ?? [],
  keep: (s: string) => s.match(new RegExp(`[${PUNCT}]|[^\\s${PUNCT}]+`, 'gu')) ?? [],
  word: (s: string) => s.match(/\S+/gu) ?? [],
};

const pieces = [
  'a',
  'bc',
  ' ',
  '\t',
  '\u3000',
  '\n',
  ',',
  "'",
  '$',
  '“',
  '—',
  '안',
  '👍',
  '\ud800',
  '\u{10100}',
  '\u{1F600}',
];
const tricky = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((a) => a.join(''));
const texts = fc.oneof(tricky, fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }));

describe('scanWords', () => {
  it.each(['strip', 'keep', 'word'] as const)('%s: matches its regular expression', (mode) => {
    fc.assert(
      fc.property(texts, (s) => {
        expect(scanWords(s, mode, true)).toEqual(reference[mode](s));
      }),
    );
  });

  it('keeps whitespace inside words when not splitting on it', () => {
    expect(scanWords('new york, ny', 'keep', false)).toEqual(['new york', ',', ' ny']);
    expect(scanWords('new york, ny', 'strip', false)).toEqual(['new york ny']);
    expect(scanWords('', 'word', false)).toEqual([]);
  });
});
