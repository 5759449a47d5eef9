import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charTokenizer } from './char-tokenizer.js';
import { VocabFormatError } from './errors.js';
import { symbolTokenizer } from './symbol-tokenizer.js';
import { Vocab } from './vocab.js';
import { VOCAB_FORMAT_VERSION } from './vocab-json.js';
import { wordTokenizer } from './word-tokenizer.js';

function formatError(input: unknown): VocabFormatError {
  try {
    Vocab.fromJSON(input);
  } catch (e) {
    expect(e).toBeInstanceOf(VocabFormatError);
    return e as VocabFormatError;
  }
  throw new Error('expected Vocab.fromJSON to throw');
}

const v1 = () =>
  Vocab.fromTexts(['aab'], {
    tokenizer: charTokenizer(),
    specials: ['<pad>', '<unk>', '<eos>'],
  }).toJSON();

describe('Vocab toJSON / fromJSON', () => {
  it('writes format version 1', () => {
    expect(VOCAB_FORMAT_VERSION).toBe(1);
    expect(v1()).toEqual({
      format: 'rnnkit-vocab',
      formatVersion: 1,
      tokenizer: { type: 'char', unit: 'codePoint' },
      specials: ['<pad>', '<unk>', '<eos>'],
      oov: 'unk',
      tokens: ['<pad>', '<unk>', '<eos>', 'a', 'b'],
    });
  });

  it.each([
    ['codePoint', charTokenizer()],
    ['grapheme', charTokenizer({ unit: 'grapheme' })],
    ['word', wordTokenizer({ keepPunctuation: true, split: /\s+/u })],
    ['symbol', symbolTokenizer()],
  ])('%s: round-trips through a JSON string, tokenizer included', (_, tokenizer) => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 5 }), (texts) => {
        const v = Vocab.fromTexts(texts, { tokenizer, specials: ['<pad>', '<bos>'], oov: 'throw' });
        const back = Vocab.fromJSON(JSON.stringify(v));
        expect(back.tokens).toEqual(v.tokens);
        expect(back.specials).toEqual(v.specials);
        expect(back.oov).toBe('throw');
        expect(back.tokenizer.toJSON?.()).toEqual(tokenizer.toJSON?.());
        for (const t of texts) expect(back.encode(t)).toEqual(v.encode(t));
      }),
    );
  });

  it('refuses to save a vocab whose tokenizer cannot be saved', () => {
    const custom = {
      name: 'mine',
      tokenize: (s: string) => [s],
      detokenize: (t: readonly string[]) => t.join(''),
    };
    const v = Vocab.fromTexts(['a'], { tokenizer: custom });
    expect(() => v.toJSON()).toThrow(/tokenizer 'mine' has no toJSON\(\)/);
    const w = Vocab.fromTexts(['a'], { tokenizer: wordTokenizer({ standardize: (s) => s }) });
    expect(() => JSON.stringify(w)).toThrow(/custom standardize function cannot be saved/);
  });
});

describe('reading version 0 (0.1.0, no formatVersion)', () => {
  // What JSON.stringify(vocab) wrote with @rnnkit/vocab 0.1.0: its Vocab had no toJSON, so the
  // fields came out as they were: the tokenizer's name (functions dropped), tokens, and the Map
  // as {}.
  const v0 = {
    tokenizer: { name: 'char' },
    tokens: ['<pad>', '<unk>', 'h', 'l', 'e', 'i', 'o'],
    ids: {},
  };

  it('upgrades it to the current format', () => {
    const v = Vocab.fromJSON(JSON.stringify(v0));
    expect(v.tokens).toEqual(v0.tokens);
    expect(v.specials).toEqual(['<pad>', '<unk>']);
    expect(v.oov).toBe('unk');
    expect(Array.from(v.encode('hello!'))).toEqual([2, 4, 3, 3, 6, 1]);
    expect(v.toJSON().formatVersion).toBe(1);
  });

  it('keeps 0.1.0 semantics: grapheme tokenizer, and throw without <unk>', () => {
    const g = Vocab.fromJSON({
      tokenizer: { name: 'char-grapheme' },
      tokens: ['e\u0301'],
      ids: {},
    });
    expect(g.tokenizer.name).toBe('char-grapheme');
    expect(g.specials).toEqual([]);
    expect(g.oov).toBe('throw');
    expect(Array.from(g.encode('e\u0301'))).toEqual([0]);
  });

  it('rejects a version-0 file it cannot upgrade, saying why', () => {
    expect(formatError({ tokenizer: { name: 'bpe' }, tokens: [] }).path).toBe('tokenizer.name');
    // 0.1.0 allowed '<unk>' before '<pad>'; renumbering would break trained models, so refuse.
    const e = formatError({ tokenizer: { name: 'char' }, tokens: ['<unk>', '<pad>', 'a'] });
    expect(e.message).toMatch(/'<pad>' must come first/);
  });
});

describe('rejecting bad input', () => {
  const good = v1();
  const cases: [string, unknown, string, RegExp][] = [
    ['not JSON', '{"format":', '', /not valid JSON/],
    ['not an object', [1], '', /expected a vocab JSON object, got an array/],
    ['no version', { hello: 1 }, '', /not an rnnkit vocab.*got keys \["hello"\]/],
    [
      'bad version',
      { ...good, formatVersion: '1' },
      'formatVersion',
      /integer >= 1, got string "1"/,
    ],
    ['wrong format', { ...good, format: 'keras' }, 'format', /expected 'rnnkit-vocab'/],
    [
      'bad tokenizer',
      { ...good, tokenizer: { type: 'char', unit: 'x' } },
      'tokenizer.unit',
      /'codePoint'/,
    ],
    ['bad specials', { ...good, specials: ['<cls>'] }, 'specials', /specials\[0\] must be one of/],
    [
      'bad oov',
      { ...good, oov: 'unk', specials: ['<pad>'], tokens: ['<pad>', 'a'] },
      'oov',
      /needs an '<unk>'/,
    ],
    ['tokens not array', { ...good, tokens: 'ab' }, 'tokens', /expected an array of strings/],
    [
      'token not string',
      { ...good, tokens: [...good.tokens, 7] },
      'tokens[5]',
      /expected a string, got number 7/,
    ],
    [
      'duplicate token',
      { ...good, tokens: [...good.tokens, 'a'] },
      'tokens[5]',
      /"a" appears twice/,
    ],
    [
      'specials not first',
      { ...good, tokens: ['<pad>', 'a', '<unk>', '<eos>', 'b'] },
      'tokens[1]',
      /expected the special <unk>/,
    ],
    [
      'unlisted special',
      { ...good, tokens: [...good.tokens, '<bos>'] },
      'tokens[5]',
      /not listed in specials/,
    ],
    ['too few tokens', { ...good, tokens: ['<pad>'] }, 'tokens', /fewer than the 3 specials/],
  ];

  it.each(cases)('%s', (_, input, path, message) => {
    const e = formatError(input);
    expect(e.code).toBe('INVALID_FORMAT');
    expect(e.path).toBe(path);
    expect(e.message).toMatch(message);
  });

  it('rejects a future version with UNSUPPORTED_VERSION and says to upgrade', () => {
    const e = formatError({ ...good, formatVersion: 2 });
    expect(e.code).toBe('UNSUPPORTED_VERSION');
    expect(e.message).toMatch(
      /format version 2, but this @rnnkit\/vocab reads versions up to 1: upgrade/,
    );
  });
});
