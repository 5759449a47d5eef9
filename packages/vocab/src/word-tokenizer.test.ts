import { describe, expect, it } from 'vitest';
import { VocabError } from './errors.js';
import { tokenizerFromJSON } from './tokenizer-json.js';
import { wordTokenizer } from './word-tokenizer.js';

describe('wordTokenizer standardize', () => {
  it("defaults to Keras's lower_and_strip_punctuation", () => {
    const t = wordTokenizer();
    expect(t.tokenize("Call me Ishmael. Don't sea-captain!")).toEqual([
      'call',
      'me',
      'ishmael',
      'dont',
      'seacaptain',
    ]);
  });

  it("strips exactly Python's string.punctuation on ASCII, as Keras does", () => {
    const ascii = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
    expect(wordTokenizer().tokenize(`a${ascii}b`)).toEqual(['ab']);
    expect(wordTokenizer().tokenize('a0\tB9')).toEqual(['a0', 'b9']);
  });

  it('also strips Unicode punctuation (curly quotes, em dashes)', () => {
    expect(wordTokenizer().tokenize('“Whale,” he said—ago')).toEqual(['whale', 'he', 'saidago']);
  });

  it("'lower' keeps punctuation, 'stripPunctuation' keeps case, 'none' keeps both", () => {
    expect(wordTokenizer({ standardize: 'lower' }).tokenize('Hi, Ahab!')).toEqual(['hi,', 'ahab!']);
    expect(wordTokenizer({ standardize: 'stripPunctuation' }).tokenize('Hi, Ahab!')).toEqual([
      'Hi',
      'Ahab',
    ]);
    expect(wordTokenizer({ standardize: 'none' }).tokenize('Hi, Ahab!')).toEqual(['Hi,', 'Ahab!']);
  });

  it('takes a user function, which replaces the built-in steps (as in Keras)', () => {
    const t = wordTokenizer({ standardize: (s) => s.replaceAll('whale', 'WHALE') });
    expect(t.tokenize('the whale.')).toEqual(['the', 'WHALE.']);
    const raw = wordTokenizer({ standardize: (s) => s.toUpperCase(), keepPunctuation: true });
    expect(raw.tokenize('a b')).toEqual(['A', 'B']);
  });

  it('handles Korean words', () => {
    expect(wordTokenizer().tokenize('안녕하세요, 세계!')).toEqual(['안녕하세요', '세계']);
  });
});

describe('wordTokenizer split and keepPunctuation', () => {
  it('splits on any run of Unicode whitespace and drops empty tokens', () => {
    expect(wordTokenizer().tokenize('  a\u3000b\n\nc  ')).toEqual(['a', 'b', 'c']);
    expect(wordTokenizer().tokenize('')).toEqual([]);
  });

  it('splits on a RegExp', () => {
    const t = wordTokenizer({ standardize: 'none', split: /, ?/ });
    expect(t.tokenize('New York, Seoul,,Busan')).toEqual(['New York', 'Seoul', 'Busan']);
  });

  it('keeps punctuation as tokens', () => {
    const t = wordTokenizer({ keepPunctuation: true });
    expect(t.tokenize('Hi, Ahab! “Sea-captain”')).toEqual([
      'hi',
      ',',
      'ahab',
      '!',
      '“',
      'sea',
      '-',
      'captain',
      '”',
    ]);
    const r = wordTokenizer({ keepPunctuation: true, split: /\|/ });
    expect(r.tokenize('a,b|c')).toEqual(['a', ',', 'b', 'c']);
  });

  it('detokenizes with single spaces (lossy)', () => {
    expect(wordTokenizer().detokenize(['call', 'me'])).toBe('call me');
    expect(wordTokenizer().lossless).toBe(false);
  });

  it('cuts a stream after the last whitespace, or the last line for a RegExp split', () => {
    expect(wordTokenizer().safeCut?.('ab cd')).toBe(3);
    expect(wordTokenizer().safeCut?.('abcd')).toBe(0);
    expect(wordTokenizer({ split: /,/ }).safeCut?.('a,b\nc,d')).toBe(4);
  });
});

describe('wordTokenizer JSON', () => {
  it('round-trips through tokenizerFromJSON', () => {
    const t = wordTokenizer({ standardize: 'lower', split: /[;,]/iu, keepPunctuation: true });
    const json = t.toJSON?.();
    expect(json).toEqual({
      type: 'word',
      standardize: 'lower',
      split: { pattern: '[;,]', flags: 'iu' },
      keepPunctuation: true,
    });
    const back = tokenizerFromJSON(JSON.parse(JSON.stringify(json)));
    expect(back.tokenize('A;b, c!')).toEqual(t.tokenize('A;b, c!'));
  });

  it('refuses to serialise a user standardize function, saying why and what to do', () => {
    const t = wordTokenizer({ standardize: (s) => s });
    expect(() => t.toJSON?.()).toThrow(/custom standardize function cannot be saved to JSON/);
    try {
      t.toJSON?.();
    } catch (e) {
      expect((e as VocabError).code).toBe('NOT_SERIALIZABLE');
    }
  });
});

describe('wordTokenizer errors', () => {
  it('lists valid standardize names and hints at the Keras spelling', () => {
    expect(() => wordTokenizer({ standardize: 'lower_and_strip_punctuation' as never })).toThrow(
      /one of 'lowerAndStripPunctuation', 'lower', 'stripPunctuation', 'none'.*camelCase/,
    );
  });

  it('rejects a bad split or keepPunctuation', () => {
    expect(() => wordTokenizer({ split: ' ' as never })).toThrow(
      /split must be 'whitespace' or a RegExp/,
    );
    expect(() => wordTokenizer({ keepPunctuation: 'yes' as never })).toThrow(VocabError);
  });
});
