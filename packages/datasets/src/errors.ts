/**
 * The typed errors of `@rnnkit/datasets`. Every message says what failed, where (file, line, row,
 * column or byte offset), what was expected versus what was found, and how to fix it; the same
 * places are on the error as fields, so programs need not parse the message.
 *
 * @example
 * ```ts
 * import { DatasetError, fromCsv } from '@rnnkit/datasets';
 * try {
 *   fromCsv('a,b\n1,2\n3\n');
 * } catch (e) {
 *   if (e instanceof DatasetError) console.log(e.code, e.row, e.line);
 * }
 * // RAGGED_ROW 2 3
 * ```
 */

/** Stable codes, one per kind of failure; programs match on these, people read the message. */
export type DatasetErrorCode =
  /** An option has the wrong type, range or value (the message lists the valid choices). */
  | 'BAD_OPTION'
  /** The file does not exist or cannot be read. */
  | 'FILE_NOT_READABLE'
  /** The bytes are not valid UTF-8 (`offset` is the byte offset of the first bad byte). */
  | 'INVALID_UTF8'
  /** No data at all: an empty file, a CSV with a header and no rows. */
  | 'EMPTY_INPUT'
  /** A quoted CSV field is never closed, or its closing quote is followed by something else. */
  | 'BAD_QUOTE'
  /** A CSV row has more or fewer fields than the header. */
  | 'RAGGED_ROW'
  /** A column name (in `columns`, `types` or an accessor) that the table does not have. */
  | 'UNKNOWN_COLUMN'
  /** Two header cells with the same name. */
  | 'DUPLICATE_COLUMN'
  /** A missing value (empty cell, `NA`, ...) where `missing: 'error'` allows none. */
  | 'MISSING_VALUE'
  /** A cell of a numeric column that is not a number. */
  | 'NOT_A_NUMBER'
  /** A cell of a date column that is not a valid ISO 8601 date. */
  | 'BAD_DATE'
  /** A line of a TSV pairs file without exactly one source and one target. */
  | 'BAD_LINE'
  /** A JSONL line that is not valid JSON or not an object. */
  | 'BAD_JSON'
  /** A JSONL record without the text or label field, or with a value of the wrong type. */
  | 'BAD_FIELD'
  /** A file shipped by a data set's npm package is not what this loader was written for. */
  | 'UNEXPECTED_DATA';

/** Where a failure is, as far as it is known: all positions are 1-based except `offset`. */
export interface DatasetErrorPlace {
  /** Path of the file being read, when reading a file. */
  file?: string;
  /** 1-based line in the text (for CSV, the line where the record starts). */
  line?: number;
  /** 1-based data row of a CSV (the first row after the header is row 1). */
  row?: number;
  /** Column name (CSV) or field name (JSONL). */
  column?: string;
  /** 0-based byte offset (invalid UTF-8). */
  offset?: number;
  /** The text at fault: the cell (NOT_A_NUMBER, BAD_DATE), the line (BAD_LINE). */
  value?: string;
  /** The fields the JSONL record does have (BAD_FIELD). */
  fields?: string[];
}

/** Base class of every error thrown by `@rnnkit/datasets`; `code` is stable for programs to match. */
export class DatasetError extends Error {
  readonly code: DatasetErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly row: number | undefined;
  readonly column: string | undefined;
  readonly offset: number | undefined;
  readonly value: string | undefined;
  readonly fields: string[] | undefined;
  constructor(code: DatasetErrorCode, message: string, place: DatasetErrorPlace = {}) {
    super(message);
    this.name = 'DatasetError';
    this.code = code;
    this.file = place.file;
    this.line = place.line;
    this.row = place.row;
    this.column = place.column;
    this.offset = place.offset;
    this.value = place.value;
    this.fields = place.fields;
  }
}

/** `"data.csv: "` or `""`: the prefix that puts the file name in front of a message. */
export function inFile(file: string | undefined): string {
  return file === undefined ? '' : `${file}: `;
}

/** Quotes a value for a message, shortened so that a huge cell does not flood the terminal. */
export function show(value: string, max = 40): string {
  const s = value.length > max ? `${value.slice(0, max)}...` : value;
  return JSON.stringify(s);
}

/**
 * Throws `BAD_OPTION` unless `given` is a non-empty subset of `known`: the option `option` of a
 * loader choosing some of its parts (`what`, e.g. 'name language'); `orAll` follows the hint of
 * an empty list.
 */
export function checkSome(
  given: readonly string[],
  known: readonly string[],
  option: string,
  what: string,
  orAll = '',
): void {
  for (const g of given) {
    if (!known.includes(g)) {
      throw new DatasetError(
        'BAD_OPTION',
        `unknown ${what} ${JSON.stringify(g)}: expected some of ${known.join(', ')}`,
      );
    }
  }
  if (given.length === 0) {
    throw new DatasetError(
      'BAD_OPTION',
      `${option} is empty: give at least one of ${known.join(', ')}${orAll}`,
    );
  }
}
