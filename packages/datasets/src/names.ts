/**
 * First names by language (German, English, Spanish, French, Italian, Turkish), deduplicated
 * across languages, for conditional generation ("a name in language X") and name classification.
 *
 * - Source: `gender-detection-from-name@1.11.5`, files `names/{de,en,es,fr,it,tr}.js` (CommonJS
 *   modules, each `module.exports = new Map([[name, gender], ...])`), read from the installed
 *   package; no network. The genders are not used here.
 * - Licence: MIT (the package, data included).
 * - Size: 85 297 list entries (de 2 245, en 32 513, es 9 918, fr 36 107, it 4 292, tr 222) but
 *   67 214 distinct names: the lists overlap heavily (68% of the German names are in the French
 *   list too). 11 852 names are in two or more lists.
 * - What a name in several lists means: it is a valid name in each of them, so it carries no
 *   information about its language; a generator conditioned on language and a classifier trained
 *   on it would learn noise from it. So by default (`ambiguous: 'drop'`) such names are left out
 *   and every record has exactly one language. `ambiguous: 'keep'` keeps each name once with all
 *   its languages in `languages` (in the order de, en, es, fr, it, tr) and `language: null` when
 *   there are several. Ambiguity is decided among the `languages` asked for.
 * - Resulting counts with the defaults (all six languages, ambiguous dropped, cleaned): 55 356
 *   names: de 630, en 22 704, es 5 521, fr 25 025, it 1 419, tr 57. The sets are very unbalanced
 *   (Turkish keeps 57 of its 222 names, German 630 of 2 245): balance the languages when sampling.
 * - Other quirks: all names are lower case; 5 549 hold a space (`jose antonio`, mostly Spanish)
 *   and 2 740 a hyphen; cleaning drops names shorter than `minLength` (default 2: the French list
 *   has `l`, `m`, `n`, `y`) and two malformed Italian entries (`nicol\uFFFD`, a broken encoding of
 *   `nicolò`, and `nicolo\``), listed in `dropped`.
 *
 * @example
 * ```ts
 * import { namesByLanguage } from '@rnnkit/datasets';
 * const names = await namesByLanguage();
 * names.size; // 55356
 * names.counts; // { de: 630, en: 22704, es: 5521, fr: 25025, it: 1419, tr: 57 }
 * names.data.find((r) => r.language === 'tr');
 * // { name: 'radife', language: 'tr', languages: ['tr'] }
 * (await namesByLanguage({ ambiguous: 'keep' })).data.find((r) => r.name === 'maria');
 * // { name: 'maria', language: null, languages: ['de', 'en', 'es', 'fr', 'it'] }
 * ```
 */
import type { Dataset } from './dataset.js';
import { checkSome, DatasetError } from './errors.js';
import { installedPackage, requirePackageModule, unexpectedData } from './package-files.js';

/** The languages of the lists, in the order they are read. */
export const NAME_LANGUAGES = ['de', 'en', 'es', 'fr', 'it', 'tr'] as const;

/** ISO 639-1 code of one list. */
export type NameLanguage = (typeof NAME_LANGUAGES)[number];

/** A name and the language(s) whose list has it. */
export interface NameRecord {
  /** Lower case, as in the lists; may hold a space or a hyphen. */
  name: string;
  /** The one language of the name, or null when it is in several lists (`ambiguous: 'keep'`). */
  language: NameLanguage | null;
  /** Every asked-for language whose list has the name, in NAME_LANGUAGES order. */
  languages: readonly NameLanguage[];
}

/** A name found in exactly one list: what `ambiguous: 'drop'` (the default) returns. */
export interface UnambiguousNameRecord extends NameRecord {
  language: NameLanguage;
}

/** Options of `namesByLanguage`. */
export interface NamesOptions {
  /** Lists to read, among which ambiguity is decided. Default all six. */
  languages?: readonly NameLanguage[];
  /** Names in several lists: `'drop'` them (default) or `'keep'` them once with all languages. */
  ambiguous?: 'drop' | 'keep';
  /** Drop names shorter than this many characters. Default 2. */
  minLength?: number;
}

/** The names and what was left out. */
export interface NamesDataset<R extends NameRecord = UnambiguousNameRecord> extends Dataset<R[]> {
  /** Records per language (those with `language: null` are not counted). */
  readonly counts: Readonly<Record<NameLanguage, number>>;
  /** What was left out: ambiguous names (count), too-short and malformed names (listed). */
  readonly dropped: {
    readonly ambiguous: number;
    readonly short: readonly string[];
    readonly malformed: readonly string[];
  };
}

const PACKAGE = 'gender-detection-from-name';

/** Letters (any script, with marks) in words joined by single spaces, hyphens or apostrophes. */
const WELL_FORMED = /^[\p{L}\p{M}]+(?:[ '’-][\p{L}\p{M}]+)*$/u;

/** Loads the names (see the module documentation for source, licence, counts and decisions). */
export async function namesByLanguage(
  options?: NamesOptions & { ambiguous?: 'drop' },
): Promise<NamesDataset<UnambiguousNameRecord>>;
export async function namesByLanguage(
  options: NamesOptions & { ambiguous: 'keep' },
): Promise<NamesDataset<NameRecord>>;
export async function namesByLanguage(
  options: NamesOptions = {},
): Promise<NamesDataset<NameRecord>> {
  const { languages = NAME_LANGUAGES, ambiguous = 'drop', minLength = 2 } = options;
  checkSome(languages, NAME_LANGUAGES, 'languages', 'name language');
  if (ambiguous !== 'drop' && ambiguous !== 'keep') {
    throw new DatasetError(
      'BAD_OPTION',
      `ambiguous must be 'drop' or 'keep', got ${JSON.stringify(ambiguous)}`,
    );
  }
  if (!Number.isInteger(minLength) || minLength < 1) {
    throw new DatasetError(
      'BAD_OPTION',
      `minLength must be an integer >= 1, got ${String(minLength)}`,
    );
  }
  const pkg = installedPackage(PACKAGE);
  const where = `${PACKAGE}@${pkg.version}`;
  // Keep the asked order canonical, so that `languages` of a record never depends on the call.
  const asked = NAME_LANGUAGES.filter((l) => languages.includes(l));
  // name -> languages whose list has it; a Map keeps first-seen order (list order, then file order).
  const langsOf = new Map<string, NameLanguage[]>();
  for (const lang of asked) {
    const file = `names/${lang}.js`;
    const list = requirePackageModule(pkg, file);
    if (!(list instanceof Map))
      throw unexpectedData(file, where, 'a module exporting a Map', typeof list);
    for (const name of list.keys()) {
      if (typeof name !== 'string') throw unexpectedData(file, where, 'string keys', typeof name);
      const ls = langsOf.get(name);
      if (ls === undefined) langsOf.set(name, [lang]);
      else if (!ls.includes(lang)) ls.push(lang);
    }
  }
  const data: NameRecord[] = [];
  const counts = Object.fromEntries(NAME_LANGUAGES.map((l) => [l, 0])) as Record<
    NameLanguage,
    number
  >;
  const short: string[] = [];
  const malformed: string[] = [];
  let nAmbiguous = 0;
  for (const [name, ls] of langsOf) {
    if (!WELL_FORMED.test(name)) {
      malformed.push(name);
      continue;
    }
    if ([...name].length < minLength) {
      short.push(name);
      continue;
    }
    if (ls.length > 1) {
      nAmbiguous++;
      if (ambiguous === 'drop') continue;
      data.push({ name, language: null, languages: ls });
      continue;
    }
    const language = ls[0]!;
    counts[language]++;
    data.push({ name, language, languages: ls });
  }
  return {
    name: 'names-by-language',
    description: `First names by language (${asked.join(', ')}), deduplicated across languages`,
    source: `${where} ${asked.map((l) => `names/${l}.js`).join(', ')}`,
    url: 'https://github.com/DavideViolante/gender-detection-from-name',
    licence: 'MIT',
    size: data.length,
    data,
    counts,
    dropped: { ambiguous: ambiguous === 'drop' ? nAmbiguous : 0, short, malformed },
  };
}
