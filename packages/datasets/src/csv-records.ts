/**
 * The RFC 4180 tokenizer under `fromCsv`: text to records of string fields, with the line each
 * record starts on and which fields were quoted (a quoted cell is never a missing value).
 * Quoted fields keep their content verbatim, commas, doubled quotes and newlines included.
 *
 * @example
 * ```ts
 * parseRecords('a,b\n"x, ""y""",2\n', ',', undefined);
 * // [{ fields: ['a', 'b'], quoted: null, line: 1 }, { fields: ['x, "y"', '2'], quoted: [true], line: 2 }]
 * ```
 */
import { DatasetError, inFile, show } from './errors.js';

/** One record of the file: its fields, which of them were quoted, and its first line. */
export interface CsvRecord {
  fields: string[];
  /** Index i is true when field i was quoted (null when none was). */
  quoted: boolean[] | null;
  line: number;
}

/**
 * Splits text into records (RFC 4180). Quoted fields keep their content verbatim (newlines
 * included); outside quotes, CRLF, CR and LF end a record. Blank lines are skipped.
 */
export function parseRecords(
  text: string,
  delimiter: string,
  file: string | undefined,
): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  const delim = delimiter.charCodeAt(0);
  let pos = 0;
  let line = 1;
  while (pos < n) {
    const startLine = line;
    const fields: string[] = [];
    let quoted: boolean[] | null = null;
    // One record: fields until a line end outside quotes (or the end of the text).
    for (;;) {
      if (text.charCodeAt(pos) === 34 /* " */) {
        const fieldLine = line;
        let value = '';
        let from = pos + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) {
            throw new DatasetError(
              'BAD_QUOTE',
              `${inFile(file)}a quoted field opened on line ${fieldLine} is never closed: expected a ` +
                'closing " before the end of the file; a quote inside a quoted field must be doubled ("")',
              { line: fieldLine, ...place(file) },
            );
          }
          value += text.slice(from, q);
          if (text.charCodeAt(q + 1) === 34) {
            value += '"';
            from = q + 2;
          } else {
            pos = q + 1;
            break;
          }
        }
        line += countNewlines(value);
        quoted ??= [];
        quoted[fields.length] = true;
        fields.push(value);
        const c = text.charCodeAt(pos);
        if (pos < n && c !== delim && c !== 10 && c !== 13) {
          throw new DatasetError(
            'BAD_QUOTE',
            `${inFile(file)}line ${line}: expected ${show(delimiter)} or a line end after the closing ` +
              `quote of field ${fields.length}, got ${show(text[pos]!)}: quote the whole field and ` +
              'double the quotes inside it ("say ""hi"" twice")',
            { line, ...place(file) },
          );
        }
      } else {
        let end = pos;
        while (end < n) {
          const c = text.charCodeAt(end);
          if (c === delim || c === 10 || c === 13) break;
          end++;
        }
        fields.push(text.slice(pos, end));
        pos = end;
      }
      const c = text.charCodeAt(pos);
      if (pos < n && c === delim) {
        pos++;
        continue;
      }
      // A line end (or the end of the text) closes the record.
      if (c === 13) pos += text.charCodeAt(pos + 1) === 10 ? 2 : 1;
      else if (c === 10) pos++;
      if (pos <= n && (c === 10 || c === 13)) line++;
      break;
    }
    const blank = fields.length === 1 && fields[0] === '' && quoted === null;
    if (!blank) records.push({ fields, quoted, line: startLine });
  }
  return records;
}

function countNewlines(s: string): number {
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) k++;
  }
  return k;
}

function place(file: string | undefined): { file?: string } {
  return file === undefined ? {} : { file };
}
