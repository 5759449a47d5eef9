/**
 * Sequence-to-sequence pairs from tab-separated lines, `source<TAB>target` (the format of most
 * translation and transliteration lists, e.g. the Tatoeba/ManyThings `eng-fra.txt` files, whose
 * third column, the attribution, `extraColumns: 'ignore'` drops). Blank lines are skipped; a line
 * without a tab, with an empty side, or with more columns than two (by default) is an error with
 * its line number.
 *
 * @example
 * ```ts
 * import { fromTsvPairs } from '@rnnkit/datasets';
 * fromTsvPairs('hello\tHH AH0 L OW1\n\nworld\tW ER1 L D\n');
 * // [{ source: 'hello', target: 'HH AH0 L OW1' }, { source: 'world', target: 'W ER1 L D' }]
 * fromTsvPairs('hello HH AH0 L OW1\n'); // throws BAD_LINE: line 1 has no tab ...
 * ```
 */
import { fileURLToPath } from 'node:url';
import { DatasetError, inFile, show } from './errors.js';
import { fromText, readBytes } from './text.js';

/** One source -> target example. */
export interface TextPair {
  source: string;
  target: string;
}

/** Options of `fromTsvPairs` / `fromTsvPairsFile`. */
export interface TsvPairsOptions {
  /** Lines with more than two tab-separated columns: `'error'` (default) or `'ignore'` the rest. */
  extraColumns?: 'error' | 'ignore';
  /** Trim spaces around each side (default true: trailing spaces are invisible typos). */
  trim?: boolean;
  /** File name for error messages (set by `fromTsvPairsFile`). */
  file?: string;
}

/**
 * Parses `source\ttarget` lines into pairs.
 *
 * @throws DatasetError `BAD_LINE` (with `line`), `EMPTY_INPUT` when there is no pair at all.
 */
export function fromTsvPairs(text: string, options: TsvPairsOptions = {}): TextPair[] {
  const { file, extraColumns = 'error', trim = true } = options;
  if (extraColumns !== 'error' && extraColumns !== 'ignore') {
    throw new DatasetError(
      'BAD_OPTION',
      `extraColumns must be 'error' or 'ignore', got ${show(String(extraColumns))}`,
    );
  }
  const pairs: TextPair[] = [];
  const lines = fromText(text).split('\n');
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k]!;
    if (raw.trim() === '') continue;
    const line = k + 1;
    const cols = raw.split('\t');
    const bad = (why: string, fix: string): DatasetError =>
      new DatasetError(
        'BAD_LINE',
        `${inFile(file)}line ${line} ${why}: expected "source<TAB>target", got ${show(raw, 60)}; ${fix}`,
        { line, value: raw, ...(file === undefined ? {} : { file }) },
      );
    if (cols.length < 2) {
      throw bad(
        'has no tab',
        'separate source and target with one tab character (editors may have turned it into spaces)',
      );
    }
    if (cols.length > 2 && extraColumns === 'error') {
      throw bad(
        `has ${cols.length} tab-separated columns, not 2`,
        "pass extraColumns: 'ignore' to keep the first two columns",
      );
    }
    const source = trim ? cols[0]!.trim() : cols[0]!;
    const target = trim ? cols[1]!.trim() : cols[1]!;
    if (source === '' || target === '') {
      throw bad(
        `has an empty ${source === '' ? 'source' : 'target'}`,
        'fill it in or delete the line',
      );
    }
    pairs.push({ source, target });
  }
  if (pairs.length === 0) {
    throw new DatasetError(
      'EMPTY_INPUT',
      `${inFile(file)}no pairs: the text has no non-blank line`,
      file === undefined ? {} : { file },
    );
  }
  return pairs;
}

/**
 * Reads a UTF-8 file of `source\ttarget` lines (see `fromTsvPairs`).
 *
 * @example
 * ```ts
 * const pairs = await fromTsvPairsFile('eng-fra.txt', { extraColumns: 'ignore' });
 * ```
 */
export async function fromTsvPairsFile(
  path: string | URL,
  options: TsvPairsOptions = {},
): Promise<TextPair[]> {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  return fromTsvPairs(fromText(await readBytes(file), { file }), { ...options, file });
}
