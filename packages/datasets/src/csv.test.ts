import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fromCsv, fromCsvFile } from './csv.js';
import { caught } from './test-helpers.js';

describe('fromCsv: structure', () => {
  it('reads the header, infers types and returns columns', () => {
    const t = fromCsv(
      'Date,CO2,adjusted CO2\n1958-03-01,315.70,314.44\n1958-04-01,317.46,315.16\n',
    );
    expect(t.columns).toEqual(['Date', 'CO2', 'adjusted CO2']);
    expect(t.types).toEqual({ Date: 'date', CO2: 'number', 'adjusted CO2': 'number' });
    expect(t.rows).toBe(2);
    expect(t.strings('Date')).toEqual(['1958-03-01', '1958-04-01']);
    expect(Array.from(t.numbers('adjusted CO2'))).toEqual([314.44, 315.16]);
    expect(t.numbers('CO2')).toBeInstanceOf(Float64Array);
  });

  it('handles quoted commas, doubled quotes and newlines inside quotes', () => {
    const t = fromCsv('id,text\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,plain\n');
    expect(t.strings('text')).toEqual(['a, b', 'say "hi"', 'two\nlines', 'plain']);
    expect(Array.from(t.numbers('id'))).toEqual([1, 2, 3, 4]);
  });

  it('handles CRLF, lone CR, a BOM, no final newline and blank lines', () => {
    const t = fromCsv('\uFEFFa,b\r\n1,2\r\n\r\n3,4\r5,6');
    expect(t.columns).toEqual(['a', 'b']);
    expect(Array.from(t.numbers('a'))).toEqual([1, 3, 5]);
    expect(Array.from(t.numbers('b'))).toEqual([2, 4, 6]);
  });

  it('keeps CRLF inside a quoted field verbatim, and counts its lines', () => {
    const t = fromCsv('a,b\r\n"x\r\ny",1\r\n"z",2\r\n');
    expect(t.strings('a')).toEqual(['x\r\ny', 'z']);
    const e = caught(() => fromCsv('a,b\r\n"x\r\ny",1\r\nz\r\n'));
    expect([e.code, e.row, e.line]).toEqual(['RAGGED_ROW', 2, 4]);
  });

  it('reports ragged rows with their row and line', () => {
    const e = caught(() => fromCsv('a,b,c\n1,2,3\n4,5\n', { file: 'x.csv' }));
    expect(e.code).toBe('RAGGED_ROW');
    expect([e.row, e.line, e.file]).toEqual([2, 3, 'x.csv']);
    expect(e.message).toContain('x.csv: row 2 (line 3) has 2 fields, expected 3');
    expect(e.message).toContain('must be quoted');
    expect(caught(() => fromCsv('a,b\n1,2,3\n')).code).toBe('RAGGED_ROW');
  });

  it('reports an unclosed quote and text after a closing quote', () => {
    const e = caught(() => fromCsv('a,b\n1,"open\n2,3\n'));
    expect([e.code, e.line]).toEqual(['BAD_QUOTE', 2]);
    expect(e.message).toContain('opened on line 2 is never closed');
    const f = caught(() => fromCsv('a,b\n1,"x"y\n'));
    expect([f.code, f.line]).toEqual(['BAD_QUOTE', 2]);
    expect(f.message).toContain('got "y"');
  });

  it('reports empty input, a header without rows and duplicate names', () => {
    expect(caught(() => fromCsv('')).code).toBe('EMPTY_INPUT');
    expect(caught(() => fromCsv('a,b\n')).message).toContain(
      'has a header (a, b) but no data rows',
    );
    const d = caught(() => fromCsv('a,b,a\n1,2,3\n'));
    expect([d.code, d.column]).toEqual(['DUPLICATE_COLUMN', 'a']);
    expect(d.message).toContain('columns 1 and 3');
  });

  it('names empty header cells columnN, and takes names for a file without a header', () => {
    expect(fromCsv(',x\n0,1\n').columns).toEqual(['column1', 'x']);
    const t = fromCsv('1,2\n3,4\n', { header: ['p', 'q'] });
    expect([t.rows, Array.from(t.numbers('q'))]).toEqual([2, [2, 4]]);
  });

  it('reads other delimiters', () => {
    const t = fromCsv('a;b\n1,5;"x;y"\n', { delimiter: ';', types: { a: 'string' } });
    expect([t.strings('a'), t.strings('b')]).toEqual([['1,5'], ['x;y']]);
    expect(fromCsv('a\tb\n1\t2\n', { delimiter: '\t' }).numbers('b')[0]).toBe(2);
    expect(caught(() => fromCsv('a\n1\n', { delimiter: ';;' })).code).toBe('BAD_OPTION');
  });
});

describe('fromCsv: columns', () => {
  const csv = 'Date,CO2,note\n1958-03-01,315.70,x\n1958-04-01,317.46,y\n';

  it('selects columns in the asked order and ignores the others', () => {
    const t = fromCsv('a,b,c\n1,,3\n4,,6\n', { columns: ['c', 'a'] });
    expect(t.columns).toEqual(['c', 'a']);
    expect(Object.keys(t.data)).toEqual(['c', 'a']);
    expect(Array.from(t.numbers('c'))).toEqual([3, 6]);
    expect(caught(() => fromCsv('a,b\n1,2\n', { columns: ['a', 'a'] })).message).toBe(
      'columns lists "a" twice: list each column once',
    );
  });

  it('lists the available columns for an unknown one', () => {
    const e = caught(() => fromCsv(csv, { columns: ['Date', 'co2'] }));
    expect([e.code, e.column]).toEqual(['UNKNOWN_COLUMN', 'co2']);
    expect(e.message).toBe(
      'no column "co2"; the columns are: Date, CO2, note (did you mean "CO2"? names are case-sensitive)',
    );
    const t = fromCsv(csv);
    expect(caught(() => t.column('value')).message).toContain('the columns are: Date, CO2, note');
    expect(caught(() => t.column('toString')).code).toBe('UNKNOWN_COLUMN');
    const odd = fromCsv('__proto__,toString\n1,x\n');
    expect(odd.types).toEqual(JSON.parse('{"__proto__":"number","toString":"string"}'));
    expect(Array.from(odd.numbers('__proto__'))).toEqual([1]);
    expect(caught(() => fromCsv(csv, { types: { Value: 'number' } })).code).toBe('UNKNOWN_COLUMN');
  });

  it('says which accessor to use for the wrong kind of column', () => {
    const t = fromCsv(csv);
    expect(caught(() => t.numbers('note')).message).toContain('use strings("note")');
    expect(caught(() => t.strings('CO2')).message).toContain('use numbers("CO2")');
  });
});

describe('fromCsv: values', () => {
  it('reports a non-numeric cell in a numeric column with row, line and column', () => {
    const e = caught(() => fromCsv('t,v\n1,0.5\n2,1.5\n3,oops\n4,2.5\n', { file: 'series.csv' }));
    expect(e.code).toBe('NOT_A_NUMBER');
    expect([e.row, e.line, e.column, e.file, e.value]).toEqual([3, 4, 'v', 'series.csv', 'oops']);
    expect(e.message).toContain(
      'series.csv: row 3 (line 4), column "v" is numeric but holds "oops"',
    );
    expect(e.message).toContain(`types: { "v": 'string' }`);
  });

  it('reads a mostly-text column as text, and a declared type wins', () => {
    expect(fromCsv('v\na\n1\nb\n').types['v']).toBe('string');
    expect(fromCsv('zip\n01234\n98765\n', { types: { zip: 'string' } }).strings('zip')).toEqual([
      '01234',
      '98765',
    ]);
    expect(caught(() => fromCsv('v\na\nb\n', { types: { v: 'number' } })).code).toBe(
      'NOT_A_NUMBER',
    );
  });

  it('parses signs, decimals, exponents and surrounding spaces', () => {
    const t = fromCsv('v\n-1.5\n+2\n.5\n1e3\n-2.5E-2\n 7 \n3.\n');
    expect(Array.from(t.numbers('v'))).toEqual([-1.5, 2, 0.5, 1000, -0.025, 7, 3]);
  });

  it('reports missing values with their row and column by default', () => {
    const e = caught(() => fromCsv('a,b\n1,2\n3,\n5,NA\n'));
    expect(e.code).toBe('MISSING_VALUE');
    expect([e.row, e.line, e.column]).toEqual([2, 3, 'b']);
    expect(e.message).toBe(
      `missing value at row 2 (line 3), column "b": expected a number, got ""; pass missing: ` +
        `'skip-row' to drop such rows or missing: 'nan' to keep them as NaN`,
    );
  });

  it("skips rows with missing values with missing: 'skip-row', and lists them", () => {
    const t = fromCsv('a,b,c\n1,2,x\n3,,y\n5,6,N/A\n7,8,z\n', { missing: 'skip-row' });
    expect(Array.from(t.numbers('a'))).toEqual([1, 7]);
    expect(t.strings('c')).toEqual(['x', 'z']);
    expect(t.skipped).toEqual([
      { row: 2, line: 3, column: 'b' },
      { row: 3, line: 4, column: 'c' },
    ]);
    // Only kept columns count.
    expect(fromCsv('a,b\n1,\n2,3\n', { columns: ['a'], missing: 'skip-row' }).rows).toBe(2);
  });

  it("keeps missing values as NaN (numbers) and '' (text) with missing: 'nan'", () => {
    const t = fromCsv('a,b,d\n1,x,2020-01-01\nNaN,,\n', { missing: 'nan' });
    expect(Array.from(t.numbers('a'))).toEqual([1, Number.NaN]);
    expect(t.strings('b')).toEqual(['x', '']);
    expect(t.strings('d')).toEqual(['2020-01-01', '']);
    const ms = fromCsv('d\n2020-01-01\nnull\n', { missing: 'nan', dates: 'ms' }).numbers('d');
    expect(Array.from(ms)).toEqual([Date.UTC(2020, 0, 1), Number.NaN]);
  });

  it('treats a quoted empty cell as an empty string, not as missing', () => {
    expect(fromCsv('a,b\n1,""\n').strings('b')).toEqual(['']);
  });

  it('takes its own missing markers', () => {
    const t = fromCsv('a\n1\n-999\n', { missingValues: ['-999'], missing: 'nan' });
    expect(Array.from(t.numbers('a'))).toEqual([1, Number.NaN]);
  });

  it('keeps dates as strings or reads them as UTC milliseconds', () => {
    const csv =
      'when,v\n2020-02-29,1\n2020-03-01T12:30:00Z,2\n2020-03-01 12:30+02:00,3\n2020-04,4\n';
    const t = fromCsv(csv);
    expect(t.types['when']).toBe('date');
    expect(t.strings('when')[1]).toBe('2020-03-01T12:30:00Z');
    expect(Array.from(fromCsv(csv, { dates: 'ms' }).numbers('when'))).toEqual([
      Date.UTC(2020, 1, 29),
      Date.UTC(2020, 2, 1, 12, 30),
      Date.UTC(2020, 2, 1, 10, 30),
      Date.UTC(2020, 3, 1),
    ]);
  });

  it('reports a date that does not exist', () => {
    const e = caught(() => fromCsv('d,v\n2021-01-31,1\n2021-02-29,2\n'));
    expect([e.code, e.row, e.line, e.column]).toEqual(['BAD_DATE', 2, 3, 'd']);
    expect(e.message).toContain('holds "2021-02-29": expected an existing ISO 8601 date');
  });
});

describe('fromCsvFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a Windows file with BOM and names the file in errors', async () => {
    const file = join(dir, 'w.csv');
    writeFileSync(file, '\uFEFFa,b\r\n1,2\r\n3,x\r\n5,6\r\n');
    await expect(fromCsvFile(file)).rejects.toMatchObject({
      code: 'NOT_A_NUMBER',
      file,
      row: 2,
      line: 3,
      column: 'b',
    });
    expect(Array.from((await fromCsvFile(file, { columns: ['a'] })).numbers('a'))).toEqual([
      1, 3, 5,
    ]);
  });
});

/** Writes a table as RFC 4180 CSV: fields with a delimiter, quote, CR or LF are quoted, as are empty ones. */
function writeCsv(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  eol: string,
): string {
  const cell = (s: string) => (s === '' || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join(eol) + eol;
}

describe('fromCsv round trip (property)', () => {
  const names = (n: number) =>
    fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: n, maxLength: n });

  it('reads back any table of strings written with proper quoting', () => {
    const table = fc.integer({ min: 1, max: 4 }).chain((nCols) =>
      fc.tuple(
        names(nCols),
        fc.array(
          fc.array(fc.string({ maxLength: 8, unit: 'grapheme' }), {
            minLength: nCols,
            maxLength: nCols,
          }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.constantFrom('\n', '\r\n'),
      ),
    );
    fc.assert(
      fc.property(table, ([header, rows, eol]) => {
        const types = Object.fromEntries(header.map((h) => [h, 'string' as const]));
        const t = fromCsv(writeCsv(header, rows, eol), { types, missingValues: [] });
        expect(t.columns).toEqual(header);
        expect(t.rows).toBe(rows.length);
        header.forEach((h, j) => {
          expect(t.strings(h)).toEqual(rows.map((r) => r[j]));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('reads back any finite doubles exactly', () => {
    const table = fc.integer({ min: 1, max: 3 }).chain((nCols) =>
      fc.tuple(
        names(nCols),
        fc.array(
          fc.array(
            fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)),
            { minLength: nCols, maxLength: nCols },
          ),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
      ),
    );
    fc.assert(
      fc.property(table, ([header, rows]) => {
        const t = fromCsv(
          writeCsv(
            header,
            rows.map((r) => r.map(String)),
            '\n',
          ),
        );
        header.forEach((h, j) => {
          expect(Array.from(t.numbers(h))).toEqual(rows.map((r) => r[j]));
        });
      }),
      { numRuns: 300 },
    );
  });
});
