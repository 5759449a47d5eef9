import { describe, expect, it } from 'vitest';
import { symbolTokenizer } from './symbol-tokenizer.js';

describe('symbolTokenizer', () => {
  it('splits phonemes on spaces and joins them back', () => {
    const t = symbolTokenizer();
    expect(t.tokenize('HH AH0 L OW1')).toEqual(['HH', 'AH0', 'L', 'OW1']);
    expect(t.detokenize(['HH', 'AH0', 'L', 'OW1'])).toBe('HH AH0 L OW1');
    expect(t.name).toBe('symbol');
  });

  it('drops empty symbols from doubled separators', () => {
    expect(symbolTokenizer().tokenize(' HH  AH0 ')).toEqual(['HH', 'AH0']);
  });

  it('takes any non-empty separator', () => {
    const t = symbolTokenizer({ separator: ' | ' });
    expect(t.tokenize('k | a | t')).toEqual(['k', 'a', 't']);
    expect(t.toJSON?.()).toEqual({ type: 'symbol', separator: ' | ' });
    expect(t.safeCut?.('k | a | t')).toBe(8);
    expect(t.safeCut?.('kat')).toBe(0);
  });

  it('rejects an empty separator, pointing at charTokenizer', () => {
    expect(() => symbolTokenizer({ separator: '' })).toThrow(/non-empty string.*charTokenizer/);
  });
});
