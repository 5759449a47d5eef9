/**
 * The CMU Pronouncing Dictionary: English words and their pronunciations as ARPAbet phonemes,
 * first pronunciation of each word, for grapheme-to-phoneme sequence-to-sequence models.
 *
 * - Source: `cmu-pronouncing-dictionary@3.0.0`, its ESM module `index.js` (`export const
 *   dictionary = { word: 'PH ON EMES' }`), imported on first use only (4.7 MB); no network.
 * - Original: CMUdict, Carnegie Mellon University; http://www.speech.cs.cmu.edu/cgi-bin/cmudict
 * - Licence: CMUdict BSD-2-Clause; the package ISC.
 * - Size: 135 155 entries, of which 9 109 are alternate pronunciations keyed `word(2)`,
 *   `word(3)`, ... and skipped here: 126 046 words. 39 phonemes; vowels carry a stress digit
 *   (0 none, 1 primary, 2 secondary): 69 symbols with stress, 39 without (`stress: false`).
 * - Quirks: words are lower case and 1 126 hold `.` or `-` (`a.m.`, `able-bodied`), 7 475 an
 *   apostrophe (`'bout`, `aaronson's`); 16 first pronunciations carry a trailing comment
 *   (`AO1 L B AO0 R G # place, danish`), cut off here. Order is the package's (roughly
 *   alphabetical, not sorted).
 *
 * @example
 * ```ts
 * import { cmuDict } from '@rnnkit/datasets';
 * const dict = await cmuDict();
 * dict.size; // 126046
 * dict.data.find((r) => r.word === 'hello'); // { word: 'hello', phonemes: ['HH', 'AH0', 'L', 'OW1'] }
 * (await cmuDict({ stress: false })).data.find((r) => r.word === 'hello');
 * // { word: 'hello', phonemes: ['HH', 'AH', 'L', 'OW'] }
 * ```
 */
import type { Dataset } from './dataset.js';
import { installedPackage, unexpectedData } from './package-files.js';

/** A word and its first pronunciation. */
export interface PronunciationRecord {
  /** Lower case, as in the dictionary. */
  word: string;
  /** ARPAbet phonemes, e.g. `['HH', 'AH0', 'L', 'OW1']`. */
  phonemes: string[];
}

/** Options of `cmuDict`. */
export interface CmuDictOptions {
  /** Keep the stress digits of vowels (`AH0`) (default), or strip them (`AH`) with `false`. */
  stress?: boolean;
}

const PACKAGE = 'cmu-pronouncing-dictionary';

/** An alternate pronunciation's key: `read(2)`. */
const ALTERNATE = /\(\d+\)$/;
/** Phonemes: one or two capitals, a stress digit on vowels; single spaces between. */
const PRONUNCIATION = /^[A-Z]{1,2}[012]?(?: [A-Z]{1,2}[012]?)*$/;
const STRESS = /[012]/g;

/** Loads the dictionary (see the module documentation for source, licence and quirks). */
export async function cmuDict(
  options: CmuDictOptions = {},
): Promise<Dataset<PronunciationRecord[]>> {
  const stress = options.stress ?? true;
  const pkg = installedPackage(PACKAGE);
  const where = `${PACKAGE}@${pkg.version}`;
  // Imported here, not at the top: 4.7 MB that only this loader needs.
  const { dictionary } = (await import('cmu-pronouncing-dictionary')) as {
    dictionary: Record<string, string>;
  };
  const data: PronunciationRecord[] = [];
  for (const word in dictionary) {
    if (ALTERNATE.test(word)) continue;
    const entry = dictionary[word]!;
    const hash = entry.indexOf('#');
    const spelled = (hash < 0 ? entry : entry.slice(0, hash)).trim();
    // One check per entry, not per phoneme: the loop runs 126k times.
    if (!PRONUNCIATION.test(spelled)) {
      throw unexpectedData(
        `the entry of ${JSON.stringify(word)}`,
        where,
        'ARPAbet phonemes separated by single spaces',
        JSON.stringify(entry),
      );
    }
    const phonemes = (stress ? spelled : spelled.replace(STRESS, '')).split(' ');
    data.push({ word, phonemes });
  }
  return {
    name: 'cmudict',
    description: 'CMU Pronouncing Dictionary: English words and their first ARPAbet pronunciation',
    source: `${where} index.js`,
    url: 'http://www.speech.cs.cmu.edu/cgi-bin/cmudict',
    licence: 'BSD-2-Clause (CMUdict); package: ISC',
    size: data.length,
    data,
  };
}
