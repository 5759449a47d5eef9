import { describe, expect, it } from 'vitest';
import { VocabFormatError } from './errors.js';
import { tokenizerFromJSON } from './tokenizer-json.js';

describe('tokenizerFromJSON', () => {
  it('builds each built-in tokenizer', () => {
    expect(tokenizerFromJSON({ type: 'char', unit: 'grapheme' }).name).toBe('char-grapheme');
    expect(tokenizerFromJSON({ type: 'symbol', separator: ' ' }).tokenize('A B')).toEqual([
      'A',
      'B',
    ]);
    const w = tokenizerFromJSON({
      type: 'word',
      standardize: 'none',
      split: 'whitespace',
      keepPunctuation: false,
    });
    expect(w.tokenize('A b')).toEqual(['A', 'b']);
  });

  it.each([
    [null, '', /expected a tokenizer object, got null/],
    [{ type: 'bpe' }, 'type', /expected 'char' or 'symbol' or 'word', got string "bpe"/],
    [{ type: 'char', unit: 'byte' }, 'unit', /'codePoint' or 'grapheme'/],
    [{ type: 'symbol', separator: '' }, 'separator', /non-empty string/],
    [
      { type: 'word', standardize: 'upper', split: 'whitespace', keepPunctuation: false },
      'standardize',
      /'lowerAndStripPunctuation'/,
    ],
    [
      {
        type: 'word',
        standardize: 'none',
        split: { pattern: '(', flags: '' },
        keepPunctuation: false,
      },
      'split.pattern',
      /a valid RegExp/,
    ],
    [
      { type: 'word', standardize: 'none', split: 'whitespace', keepPunctuation: 1 },
      'keepPunctuation',
      /a boolean, got number 1/,
    ],
  ])('rejects %j at %j', (json, path, message) => {
    try {
      tokenizerFromJSON(json);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(VocabFormatError);
      expect((e as VocabFormatError).code).toBe('INVALID_FORMAT');
      expect((e as VocabFormatError).path).toBe(path);
      expect((e as Error).message).toMatch(message);
    }
  });
});
