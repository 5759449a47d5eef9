/**
 * CSV tables for users' own data (RFC 4180): a header row gives the column names; quoted fields
 * may hold commas, doubled quotes and newlines; CRLF, CR or LF line ends; a byte order mark is
 * dropped; blank lines are skipped. Each column becomes a `Float64Array` (numbers), a `string[]`,
 * or a date column (ISO 8601 strings, or milliseconds since 1970 UTC with `dates: 'ms'`). Column
 * types are inferred (a column is numeric when most of its present cells are numbers) or given
 * with `types`. Every problem is reported with its data row, file line and column: ragged rows,
 * non-numeric cells in numeric columns, bad dates, and missing values (`missing` decides whether
 * those are an error, skip their row, or become NaN).
 *
 * @example
 * ```ts
 * import { fromCsv } from '@rnnkit/datasets';
 * const t = fromCsv('Date,CO2,note\n1958-03-01,315.70,"first, manometric"\n1958-04-01,317.46,\n', {
 *   missing: 'nan',
 * });
 * t.columns; // ['Date', 'CO2', 'note']
 * t.types; // { Date: 'date', CO2: 'number', note: 'string' }
 * t.numbers('CO2'); // Float64Array [315.7, 317.46]
 * t.strings('note'); // ['first, manometric', '']
 * t.numbers('co2'); // throws UNKNOWN_COLUMN: no column "co2"; the columns are: Date, CO2, note ...
 * ```
 */
import { fileURLToPath } from 'node:url';
import { type CsvRecord, parseRecords } from './csv-records.js';
import { DatasetError, type DatasetErrorPlace, inFile, show } from './errors.js';
import { ISO_DATE, parseIsoDate } from './iso-date.js';
import { fromText, readBytes } from './text.js';

/** How a column's cells are read. */
export type CsvColumnType = 'number' | 'string' | 'date';

/** What a missing value does: throw (default), drop its whole row, or become NaN (or ''). */
export type MissingPolicy = 'error' | 'skip-row' | 'nan';

/** The values of one column. */
export type CsvColumn = Float64Array | string[];

/** Cells that count as missing unless quoted (pandas' usual markers, and the empty cell). */
export const DEFAULT_MISSING_VALUES: readonly string[] = [
  '',
  'NA',
  'N/A',
  'n/a',
  '#N/A',
  'NaN',
  'nan',
  'null',
  'NULL',
];

/** Options of `fromCsv` / `fromCsvFile`; every one has a default. */
export interface CsvOptions {
  /** Keep only these columns, in this order; the others are not checked at all. Default all. */
  columns?: readonly string[];
  /** Column types that override inference, e.g. `{ zip: 'string' }`. */
  types?: Readonly<Record<string, CsvColumnType>>;
  /**
   * A missing cell in a kept column: `'error'` throws with its row and column (default),
   * `'skip-row'` drops the row (listed in `skipped`), `'nan'` stores NaN in number and `'ms'` date
   * columns and `''` in string columns.
   */
  missing?: MissingPolicy;
  /** Cell texts that mean "missing" (a quoted cell never is). Default `DEFAULT_MISSING_VALUES`. */
  missingValues?: readonly string[];
  /** Date columns as the ISO strings of the file (default) or as milliseconds since 1970 UTC. */
  dates?: 'string' | 'ms';
  /** Field separator, one character. Default `','` (use `'\t'` for TSV, `';'` for European CSV). */
  delimiter?: string;
  /** The first row holds the names (default), or the file has no header and these are the names. */
  header?: true | readonly string[];
  /** File name for error messages (set by `fromCsvFile`). */
  file?: string;
}

/** A row left out by `missing: 'skip-row'`: where it was and the first missing column. */
export interface SkippedRow {
  row: number;
  line: number;
  column: string;
}

/** A parsed table, column by column. */
export class CsvTable {
  constructor(
    /** Column names, in file order (or in the order of `options.columns`). */
    readonly columns: readonly string[],
    /** The type each column was read as. */
    readonly types: Readonly<Record<string, CsvColumnType>>,
    /** Values per column, all of length `rows`. */
    readonly data: Readonly<Record<string, CsvColumn>>,
    /** Number of data rows kept. */
    readonly rows: number,
    /** Rows dropped by `missing: 'skip-row'`. */
    readonly skipped: readonly SkippedRow[],
    file?: string,
  ) {
    this.#file = file;
  }

  /** For error messages only; a private field, so that it stays out of logs and JSON. */
  readonly #file: string | undefined;

  /** A column's values; throws `UNKNOWN_COLUMN` listing the columns when there is no such one. */
  column(name: string): CsvColumn {
    const c = this.data[name];
    if (c === undefined || !Object.hasOwn(this.data, name))
      throw unknownColumn(name, this.columns, this.#file);
    return c;
  }

  /** A numeric column (or a date column read with `dates: 'ms'`) as a `Float64Array`. */
  numbers(name: string): Float64Array {
    const c = this.column(name);
    if (!(c instanceof Float64Array)) {
      throw new DatasetError(
        'BAD_OPTION',
        `${inFile(this.#file)}column ${show(name)} holds ${this.types[name]} values, not numbers: ` +
          `use strings(${show(name)}), or read it with types: { ${JSON.stringify(name)}: 'number' }`,
        { column: name, ...place(this.#file) },
      );
    }
    return c;
  }

  /** A string or date (`dates: 'string'`) column as strings. */
  strings(name: string): string[] {
    const c = this.column(name);
    if (c instanceof Float64Array) {
      throw new DatasetError(
        'BAD_OPTION',
        `${inFile(this.#file)}column ${show(name)} holds numbers, not strings: use numbers(${show(name)}), ` +
          `or read it with types: { ${JSON.stringify(name)}: 'string' }`,
        { column: name, ...place(this.#file) },
      );
    }
    return c;
  }
}

/**
 * Parses CSV text into a `CsvTable`. See the module documentation for the rules.
 *
 * @throws DatasetError `EMPTY_INPUT`, `BAD_QUOTE`, `DUPLICATE_COLUMN`, `UNKNOWN_COLUMN`,
 *   `RAGGED_ROW`, `MISSING_VALUE`, `NOT_A_NUMBER`, `BAD_DATE`, `BAD_OPTION`.
 */
export function fromCsv(text: string, options: CsvOptions = {}): CsvTable {
  const file = options.file;
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new DatasetError(
      'BAD_OPTION',
      `delimiter must be one character other than a quote or a line end, got ${show(delimiter)}: ` +
        "use ',' (default), '\\t' or ';'",
    );
  }
  const missing = options.missing ?? 'error';
  if (missing !== 'error' && missing !== 'skip-row' && missing !== 'nan') {
    throw new DatasetError(
      'BAD_OPTION',
      `missing must be 'error', 'skip-row' or 'nan', got ${show(String(missing))}`,
    );
  }
  const dates = options.dates ?? 'string';
  if (dates !== 'string' && dates !== 'ms') {
    throw new DatasetError(
      'BAD_OPTION',
      `dates must be 'string' or 'ms', got ${show(String(dates))}`,
    );
  }
  const missingValues = new Set(options.missingValues ?? DEFAULT_MISSING_VALUES);

  const records = parseRecords(text.startsWith('\uFEFF') ? text.slice(1) : text, delimiter, file);
  const header = options.header ?? true;
  let names: string[];
  let body: CsvRecord[];
  if (header === true) {
    const first = records[0];
    if (first === undefined) {
      throw new DatasetError(
        'EMPTY_INPUT',
        `${inFile(file)}the CSV is empty: expected a header row`,
        place(file),
      );
    }
    names = first.fields.map((n, i) => (n === '' ? `column${i + 1}` : n));
    body = records.slice(1);
  } else {
    names = [...header];
    body = records;
  }
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    const j = seen.get(n);
    if (j !== undefined) {
      throw new DatasetError(
        'DUPLICATE_COLUMN',
        `${inFile(file)}column name ${show(n)} appears twice in the header (columns ${j + 1} and ${i + 1}): ` +
          'rename one in the file, or pass header: [...names] with the first row removed',
        { column: n, ...(header === true ? { line: records[0]!.line } : {}), ...place(file) },
      );
    }
    seen.set(n, i);
  });
  if (body.length === 0) {
    throw new DatasetError(
      'EMPTY_INPUT',
      `${inFile(file)}the CSV has a header (${names.join(', ')}) but no data rows`,
      place(file),
    );
  }

  // Rows must all match the header, kept column or not: a ragged row means misplaced quoting.
  for (let r = 0; r < body.length; r++) {
    const rec = body[r]!;
    if (rec.fields.length !== names.length) {
      throw new DatasetError(
        'RAGGED_ROW',
        `${inFile(file)}row ${r + 1} (line ${rec.line}) has ${rec.fields.length} fields, expected ` +
          `${names.length} like the header (${names.join(', ')}): a field holding a comma or a ` +
          'newline must be quoted ("a, b"), and a quote inside it doubled ("say ""hi""")',
        { row: r + 1, line: rec.line, ...place(file) },
      );
    }
  }

  const kept = options.columns ?? names;
  const twice = kept.find((name, k) => kept.indexOf(name) !== k);
  if (twice !== undefined) {
    throw new DatasetError(
      'BAD_OPTION',
      `columns lists ${show(twice)} twice: list each column once`,
      { column: twice },
    );
  }
  const index = kept.map((name) => {
    const i = seen.get(name);
    if (i === undefined) throw unknownColumn(name, names, file);
    return i;
  });
  for (const [name, type] of Object.entries(options.types ?? {})) {
    if (!seen.has(name)) throw unknownColumn(name, names, file);
    if (type !== 'number' && type !== 'string' && type !== 'date') {
      throw new DatasetError(
        'BAD_OPTION',
        `types.${name} must be 'number', 'string' or 'date', got ${show(String(type))}`,
        { column: name },
      );
    }
  }

  // The length test first: hashing every (sliced) cell string for the Set lookup is costly.
  let longestMarker = 0;
  for (const m of missingValues) longestMarker = Math.max(longestMarker, m.length);
  const isMissing = (rec: CsvRecord, i: number): boolean => {
    const v = rec.fields[i]!;
    return v.length <= longestMarker && missingValues.has(v) && !(rec.quoted?.[i] ?? false);
  };
  const declared = options.types ?? {};
  // fromEntries, not assignment: a column may be called "__proto__" or "toString".
  const types: Record<string, CsvColumnType> = Object.fromEntries(
    kept.map((name, k) => [
      name,
      Object.hasOwn(declared, name) ? declared[name]! : inferType(body, index[k]!, isMissing),
    ]),
  );

  // Which rows survive `skip-row`: a row goes when any kept cell is missing.
  const skipped: SkippedRow[] = [];
  const rows: CsvRecord[] = [];
  for (let r = 0; r < body.length; r++) {
    const rec = body[r]!;
    const k = missing === 'nan' ? -1 : index.findIndex((i) => isMissing(rec, i));
    if (k < 0) {
      rows.push(rec);
      continue;
    }
    const column = kept[k]!;
    if (missing === 'skip-row') {
      skipped.push({ row: r + 1, line: rec.line, column });
      continue;
    }
    throw new DatasetError(
      'MISSING_VALUE',
      `${inFile(file)}missing value at row ${r + 1} (line ${rec.line}), column ${show(column)}: ` +
        `expected a ${types[column]}, got ${show(rec.fields[index[k]!]!)}; pass missing: 'skip-row' ` +
        "to drop such rows or missing: 'nan' to keep them as NaN",
      { row: r + 1, line: rec.line, column, ...place(file) },
    );
  }

  const columns: [string, CsvColumn][] = [];
  kept.forEach((name, k) => {
    const i = index[k]!;
    const type = types[name]!;
    const cellPlace = (rec: CsvRecord): DatasetErrorPlace => ({
      row: body.indexOf(rec) + 1,
      line: rec.line,
      column: name,
      ...place(file),
    });
    if (type === 'string' || (type === 'date' && dates === 'string')) {
      const strings = rows.map((rec) => {
        if (isMissing(rec, i)) return '';
        const v = rec.fields[i]!;
        if (type === 'date' && Number.isNaN(parseIsoDate(v))) throw badDate(v, cellPlace(rec));
        return v;
      });
      columns.push([name, strings]);
      return;
    }
    const out = new Float64Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const rec = rows[r]!;
      const v = rec.fields[i]!;
      if (isMissing(rec, i)) out[r] = Number.NaN;
      else if (type === 'date') {
        const ms = parseIsoDate(v);
        if (Number.isNaN(ms)) throw badDate(v, cellPlace(rec));
        out[r] = ms;
      } else {
        if (!NUMBER.test(v)) {
          const at = cellPlace(rec);
          throw new DatasetError(
            'NOT_A_NUMBER',
            `${inFile(file)}row ${at.row} (line ${at.line}), column ${show(name)} is numeric but holds ` +
              `${show(v)}: expected a number like 315.7 or -1.5e3; fix the cell, pass missingValues: ` +
              `[...DEFAULT_MISSING_VALUES, ${show(v)}] if it marks a missing value, or read the column as text with ` +
              `types: { ${JSON.stringify(name)}: 'string' }`,
            { ...at, value: v },
          );
        }
        out[r] = Number(v);
      }
    }
    columns.push([name, out]);
  });
  const data: Record<string, CsvColumn> = Object.fromEntries(columns);
  return new CsvTable([...kept], types, data, rows.length, skipped, file);
}

/**
 * Reads a CSV file (UTF-8, see `fromTextFile`) with `fromCsv`. Line ends are normalised to LF
 * before parsing, so a quoted multi-line cell of a Windows file holds `\n`, not `\r\n`.
 *
 * @example
 * ```ts
 * const table = await fromCsvFile('series.csv', { columns: ['date', 'value'], missing: 'skip-row' });
 * const values = table.numbers('value'); // Float64Array
 * ```
 */
export async function fromCsvFile(path: string | URL, options: CsvOptions = {}): Promise<CsvTable> {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  return fromCsv(fromText(await readBytes(file), { file }), { ...options, file });
}

/** A plain decimal or scientific number, optionally signed, surrounding spaces allowed. */
const NUMBER = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** 'date' when every present cell is an ISO date; 'number' when most are numbers; else 'string'. */
function inferType(
  body: readonly CsvRecord[],
  i: number,
  isMissing: (rec: CsvRecord, i: number) => boolean,
): CsvColumnType {
  let present = 0;
  let numbers = 0;
  let isoDates = 0;
  for (const rec of body) {
    if (isMissing(rec, i)) continue;
    const v = rec.fields[i]!;
    present++;
    if (NUMBER.test(v)) numbers++;
    else if (ISO_DATE.test(v)) isoDates++;
  }
  if (present === 0) return 'string';
  if (isoDates === present) return 'date';
  // Majority, not unanimity: one stray "n/a" should be reported as such, not turn the column to text.
  return numbers * 2 > present ? 'number' : 'string';
}

function place(file: string | undefined): DatasetErrorPlace {
  return file === undefined ? {} : { file };
}

function badDate(value: string, at: DatasetErrorPlace): DatasetError {
  return new DatasetError(
    'BAD_DATE',
    `${inFile(at.file)}row ${at.row} (line ${at.line}), column ${show(at.column ?? '')} is a date column ` +
      `but holds ${show(value)}: expected an existing ISO 8601 date like 2020-04-01 or ` +
      `2020-04-01T12:00:00Z; fix the cell or read the column as text with types: { ` +
      `${JSON.stringify(at.column)}: 'string' }`,
    { ...at, value },
  );
}

/** The UNKNOWN_COLUMN error, listing the columns there are. */
export function unknownColumn(
  name: string,
  available: readonly string[],
  file: string | undefined,
): DatasetError {
  const close = available.find((a) => a.toLowerCase() === name.toLowerCase());
  return new DatasetError(
    'UNKNOWN_COLUMN',
    `${inFile(file)}no column ${show(name)}; the columns are: ${available.join(', ')}` +
      (close === undefined ? '' : ` (did you mean ${show(close)}? names are case-sensitive)`),
    { column: name, ...place(file) },
  );
}
