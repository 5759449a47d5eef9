import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charTokenizer } from './char-tokenizer.js';
import type { VocabError } from './errors.js';

/** Any UTF-16 string, lone surrogates included (fc's 'binary' unit never makes them). */
const utf16 = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
});
const anyText = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), utf16);

describe('charTokenizer codePoint', () => {
  const t = charTokenizer();

  it('splits into code points, astral ones whole', () => {
    expect(t.tokenize('a👍🏽b')).toEqual(['a', '👍', '🏽', 'b']);
    expect(t.name).toBe('char');
    expect(t.lossless).toBe(true);
  });

  it('keeps a lone surrogate as its own token', () => {
    expect(t.tokenize('a\ud800b\udc00')).toEqual(['a', '\ud800', 'b', '\udc00']);
  });

  it("reads '안녕하세요' as 5 tokens", () => {
    expect(t.tokenize('안녕하세요')).toEqual(['안', '녕', '하', '세', '요']);
  });

  it('matches Array.from and round-trips any UTF-16 string', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(t.tokenize(s)).toEqual(Array.from(s));
        expect(t.detokenize(t.tokenize(s))).toBe(s);
      }),
    );
  });

  it('is cut safely before a trailing high surrogate only', () => {
    expect(t.safeCut?.('ab')).toBe(2);
    expect(t.safeCut?.('ab\ud83d')).toBe(2);
    expect(t.safeCut?.('')).toBe(0);
  });

  it('serialises to JSON', () => {
    expect(t.toJSON?.()).toEqual({ type: 'char', unit: 'codePoint' });
  });
});

describe('charTokenizer grapheme', () => {
  const t = charTokenizer({ unit: 'grapheme' });

  it('keeps emoji with modifiers and combining marks as one token', () => {
    expect(t.tokenize('a👍🏽e\u0301')).toEqual(['a', '👍🏽', 'e\u0301']);
    expect(t.tokenize('👨‍👩‍👧')).toHaveLength(1);
    expect(t.name).toBe('char-grapheme');
  });

  it("reads '안녕하세요' as 5 tokens", () => {
    expect(t.tokenize('안녕하세요')).toHaveLength(5);
  });

  it('reads a decomposed (NFD) Hangul syllable as one token of 3 code points', () => {
    const han = '한'.normalize('NFD');
    expect(Array.from(han)).toHaveLength(3); // ㅎ ㅏ ㄴ as conjoining jamo
    expect(t.tokenize(han)).toEqual([han]);
    expect(t.tokenize('안녕하세요'.normalize('NFD'))).toHaveLength(5);
  });

  it('round-trips arbitrary Unicode', () => {
    fc.assert(fc.property(anyText, (s) => t.detokenize(t.tokenize(s)) === s));
  });

  it('cuts a stream before the last cluster, which may still grow', () => {
    expect(t.safeCut?.('ab')).toBe(1);
    expect(t.safeCut?.('a👍')).toBe(1);
    expect(t.safeCut?.('')).toBe(0);
  });

  it('serialises to JSON', () => {
    expect(t.toJSON?.()).toEqual({ type: 'char', unit: 'grapheme' });
  });
});

describe('charTokenizer errors', () => {
  it('lists the valid units', () => {
    expect(() => charTokenizer({ unit: 'byte' as never })).toThrow(
      /unit must be 'codePoint' or 'grapheme', got string "byte"/,
    );
    try {
      charTokenizer({ unit: 'byte' as never });
    } catch (e) {
      expect((e as VocabError).code).toBe('INVALID_ARGUMENT');
    }
  });
});
