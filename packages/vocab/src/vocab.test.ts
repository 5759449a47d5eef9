import { describe, expect, it } from 'vitest';
import { charTokenizer } from './tokenizers.js';
import { Vocab } from './vocab.js';

describe('Vocab.fromTexts', () => {
  it('orders tokens by count, ties by token, after the specials', () => {
    // "hihello": h x2, l x2, e, i, o
    const v = Vocab.fromTexts(['hihello'], { tokenizer: charTokenizer() });
    expect(v.tokens).toEqual(['<pad>', '<unk>', 'h', 'l', 'e', 'i', 'o']);
  });

  it('round-trips a text through encode and decode', () => {
    const v = Vocab.fromTexts([' My name is Ji Myung Hwa.'], {
      tokenizer: charTokenizer(),
      specials: [],
    });
    const ids = v.encode(' My name is Ji Myung Hwa.');
    expect(ids).toBeInstanceOf(Int32Array);
    expect(v.decode(ids)).toBe(' My name is Ji Myung Hwa.');
  });
});
