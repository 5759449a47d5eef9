// Golden numbers: `node scripts/golden-counts.mjs` (reads names/*.js with plain Node and counts
// names per number of lists, and names in exactly one list after cleaning).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  NAME_LANGUAGES,
  type NameRecord,
  type NamesDataset,
  namesByLanguage,
  type UnambiguousNameRecord,
} from './names.js';

let unique: NamesDataset<UnambiguousNameRecord>;
let kept: NamesDataset<NameRecord>;
beforeAll(async () => {
  unique = await namesByLanguage();
  kept = await namesByLanguage({ ambiguous: 'keep' });
});

describe('namesByLanguage: defaults (ambiguous names dropped)', () => {
  it('keeps 55 356 names, each in exactly one list', () => {
    expect(unique.size).toBe(55356);
    expect(unique.counts).toEqual({ de: 630, en: 22704, es: 5521, fr: 25025, it: 1419, tr: 57 });
    expect(unique.dropped).toEqual({
      ambiguous: 11852,
      short: ['l', 'm', 'n', 'y'],
      malformed: ['nicol\uFFFD', 'nicolo`'],
    });
    expect(
      unique.data.every((r) => r.languages.length === 1 && r.languages[0] === r.language),
    ).toBe(true);
    expect(unique.source).toContain('gender-detection-from-name@1.11.5 names/de.js');
    expect(unique.licence).toBe('MIT');
  });

  it('holds every name once, lower case, and no name of several lists', () => {
    const names = unique.data.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((n) => n === n.toLowerCase() && n.length >= 2)).toBe(true);
    const inSeveral = new Set(kept.data.filter((r) => r.language === null).map((r) => r.name));
    expect(names.some((n) => inSeveral.has(n))).toBe(false);
    expect(names).not.toContain('maria');
  });

  it('gives sample records', () => {
    expect(unique.data.find((r) => r.language === 'tr')).toEqual({
      name: 'radife',
      language: 'tr',
      languages: ['tr'],
    });
    expect(unique.data.find((r) => r.name === 'jose maria')?.language).toBe('es');
  });
});

describe("namesByLanguage: ambiguous: 'keep'", () => {
  it('keeps each of the 67 208 clean names once, with all its languages', () => {
    expect(kept.size).toBe(67208);
    expect(new Set(kept.data.map((r) => r.name)).size).toBe(67208);
    expect(kept.data.filter((r) => r.language === null).length).toBe(11852);
    expect(kept.data.find((r) => r.name === 'maria')).toEqual({
      name: 'maria',
      language: null,
      languages: ['de', 'en', 'es', 'fr', 'it'],
    });
    // Languages always in NAME_LANGUAGES order.
    const ordered = (r: NameRecord) =>
      r.languages.every(
        (l, i) =>
          i === 0 || NAME_LANGUAGES.indexOf(r.languages[i - 1]!) < NAME_LANGUAGES.indexOf(l),
      );
    expect(kept.data.every(ordered)).toBe(true);
    expect(kept.counts).toEqual(unique.counts);
    expect(kept.dropped.ambiguous).toBe(0);
  });
});

describe('namesByLanguage: options', () => {
  it('decides ambiguity among the asked languages only', async () => {
    const deTr = await namesByLanguage({ languages: ['tr', 'de'] });
    // A name of the German and French lists is German when French is not asked for.
    const deFr = kept.data.find((r) => r.languages.join() === 'de,fr')!;
    expect(deFr).toBeDefined();
    expect(deTr.data.find((r) => r.name === deFr.name)?.language).toBe('de');
    expect(deTr.data.every((r) => r.language === 'de' || r.language === 'tr')).toBe(true);
    expect(deTr.counts.en).toBe(0);
    expect(deTr.source).toContain('names/de.js, names/tr.js');
  });

  it('drops names shorter than minLength', async () => {
    const long = await namesByLanguage({ minLength: 4 });
    expect(long.data.every((r) => [...r.name].length >= 4)).toBe(true);
    expect(long.dropped.short.length).toBeGreaterThan(4);
  });

  it('rejects bad options, listing the valid choices', async () => {
    await expect(namesByLanguage({ languages: ['pt' as 'de'] })).rejects.toThrow(
      'unknown name language "pt": expected some of de, en, es, fr, it, tr',
    );
    await expect(namesByLanguage({ ambiguous: 'first' as 'drop' })).rejects.toMatchObject({
      code: 'BAD_OPTION',
    });
    await expect(namesByLanguage({ minLength: 0 })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(namesByLanguage({ languages: [] })).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });
});
