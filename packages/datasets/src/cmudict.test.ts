// Golden numbers: `node scripts/golden-counts.mjs` (imports the dictionary with plain Node and
// counts keys without a "(n)" suffix, and the phoneme symbols with and without stress).
import { beforeAll, describe, expect, it } from 'vitest';
import { cmuDict, type PronunciationRecord } from './cmudict.js';
import type { Dataset } from './dataset.js';

let dict: Dataset<PronunciationRecord[]>;
let plain: Dataset<PronunciationRecord[]>;
beforeAll(async () => {
  dict = await cmuDict();
  plain = await cmuDict({ stress: false });
});

const find = (d: Dataset<PronunciationRecord[]>, word: string) =>
  d.data.find((r) => r.word === word);

describe('cmuDict', () => {
  it('loads the first pronunciation of each of 126 046 words', () => {
    expect(dict.size).toBe(126046);
    expect(new Set(dict.data.map((r) => r.word)).size).toBe(126046);
    expect(dict.data.some((r) => r.word.endsWith(')'))).toBe(false);
    expect(dict.source).toBe('cmu-pronouncing-dictionary@3.0.0 index.js');
    expect(dict.licence).toContain('BSD-2-Clause');
    expect(dict.data[0]).toEqual({ word: "'bout", phonemes: ['B', 'AW1', 'T'] });
    expect(dict.data.at(-1)).toEqual({
      word: 'zywicki',
      phonemes: ['Z', 'IH0', 'W', 'IH1', 'K', 'IY0'],
    });
  });

  it('takes the first pronunciation, not the alternates', () => {
    expect(find(dict, 'hello')).toEqual({ word: 'hello', phonemes: ['HH', 'AH0', 'L', 'OW1'] });
    expect(find(dict, 'read')?.phonemes).toEqual(['R', 'EH1', 'D']);
  });

  it('has 69 phoneme symbols with stress and 39 without', () => {
    const symbols = (d: Dataset<PronunciationRecord[]>) => {
      const set = new Set<string>();
      for (const r of d.data) for (const p of r.phonemes) set.add(p);
      return set;
    };
    expect(symbols(dict).size).toBe(69);
    expect(symbols(plain).size).toBe(39);
    expect(find(plain, 'hello')?.phonemes).toEqual(['HH', 'AH', 'L', 'OW']);
    expect(plain.size).toBe(dict.size);
  });

  it('cuts off the comments some entries carry', () => {
    // index.js: "aalborg": "AO1 L B AO0 R G # place, danish"
    expect(find(dict, 'aalborg')?.phonemes).toEqual(['AO1', 'L', 'B', 'AO0', 'R', 'G']);
    expect(dict.data.every((r) => r.phonemes.every((p) => /^[A-Z]{1,2}[012]?$/.test(p)))).toBe(
      true,
    );
  });
});
