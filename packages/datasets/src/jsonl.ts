/**
 * Labelled texts from JSON Lines: one JSON object per line, the text and the label read from the
 * fields you name (`text` and `label` by default; `labelField: false` for unlabelled text). Blank
 * lines are skipped; a line that is not a JSON object, or lacks a field, is an error with its line
 * number.
 *
 * @example
 * ```ts
 * import { fromJsonl } from '@rnnkit/datasets';
 * fromJsonl('{"review":"Great phone!","stars":5}\n\n{"review":"Broke in a week.","stars":1}\n', {
 *   textField: 'review',
 *   labelField: 'stars',
 * });
 * // [{ text: 'Great phone!', label: 5 }, { text: 'Broke in a week.', label: 1 }]
 * fromJsonl('{"text":"ok","label":1}\n{"text":"oops",}\n');
 * // throws BAD_JSON: line 2 is not valid JSON (...): expected one JSON object per line ...
 * ```
 */
import { fileURLToPath } from 'node:url';
import { DatasetError, inFile, show } from './errors.js';
import { fromText, readBytes } from './text.js';

/** A text and its class: a number (0, 1, ...) or a name (`'pos'`). */
export interface LabelledText {
  text: string;
  label: number | string;
}

/** An unlabelled text. */
export interface UnlabelledText {
  text: string;
}

/** Options of `fromJsonl` / `fromJsonlFile`. */
export interface JsonlOptions {
  /** Field holding the text (a string). Default `'text'`. */
  textField?: string;
  /** Field holding the label (a number or a string), or `false` for no labels. Default `'label'`. */
  labelField?: string | false;
  /** File name for error messages (set by `fromJsonlFile`). */
  file?: string;
}

/**
 * Parses JSON Lines into `{ text, label }` records (`{ text }` with `labelField: false`).
 *
 * @throws DatasetError `BAD_JSON` or `BAD_FIELD` (with `line`), `EMPTY_INPUT` when there is no record.
 */
export function fromJsonl(
  text: string,
  options: JsonlOptions & { labelField: false },
): UnlabelledText[];
export function fromJsonl(text: string, options?: JsonlOptions): LabelledText[];
export function fromJsonl(
  text: string,
  options: JsonlOptions = {},
): LabelledText[] | UnlabelledText[] {
  const { file, textField = 'text', labelField = 'label' } = options;
  const at = (line: number, column?: string) => ({
    line,
    ...(column === undefined ? {} : { column }),
    ...(file === undefined ? {} : { file }),
  });
  const out: (LabelledText | UnlabelledText)[] = [];
  const lines = fromText(text).split('\n');
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k]!;
    if (raw.trim() === '') continue;
    const line = k + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new DatasetError(
        'BAD_JSON',
        `${inFile(file)}line ${line} is not valid JSON (${(e as Error).message}): expected one JSON ` +
          `object per line, got ${show(raw, 60)}; a record must not span lines, and a JSON array ` +
          'file ([...]) must be converted to one object per line',
        at(line),
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DatasetError(
        'BAD_JSON',
        `${inFile(file)}line ${line} is ${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'null' : `a ${typeof value}`}, ` +
          `not a JSON object: expected {"${textField}": "...", ...} on every line`,
        at(line),
      );
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    const fields = keys.join(', ') || 'none';
    const t = record[textField];
    if (typeof t !== 'string') {
      throw new DatasetError(
        'BAD_FIELD',
        `${inFile(file)}line ${line}: ${t === undefined ? 'no' : `a ${typeof t}, not a string, in`} ` +
          `text field ${show(textField)}; the record has: ${fields}; set textField to the field ` +
          'that holds the text',
        { ...at(line, textField), fields: keys },
      );
    }
    if (labelField === false) {
      out.push({ text: t });
      continue;
    }
    const label = record[labelField];
    if (typeof label !== 'string' && !(typeof label === 'number' && Number.isFinite(label))) {
      throw new DatasetError(
        'BAD_FIELD',
        `${inFile(file)}line ${line}: label field ${show(labelField)} is ${label === undefined ? 'missing' : `${JSON.stringify(label)}`}, ` +
          `expected a number or a string; the record has: ${fields}; set labelField to the field ` +
          'that holds the label, or labelField: false for unlabelled text',
        { ...at(line, labelField), fields: keys },
      );
    }
    out.push({ text: t, label });
  }
  if (out.length === 0) {
    throw new DatasetError(
      'EMPTY_INPUT',
      `${inFile(file)}no records: the text has no non-blank line`,
      file === undefined ? {} : { file },
    );
  }
  return out as LabelledText[] | UnlabelledText[];
}

/**
 * Reads a UTF-8 JSON Lines file (see `fromJsonl`).
 *
 * @example
 * ```ts
 * const reviews = await fromJsonlFile('reviews.jsonl', { textField: 'review', labelField: 'stars' });
 * ```
 */
export async function fromJsonlFile(
  path: string | URL,
  options: JsonlOptions & { labelField: false },
): Promise<UnlabelledText[]>;
export async function fromJsonlFile(
  path: string | URL,
  options?: JsonlOptions,
): Promise<LabelledText[]>;
export async function fromJsonlFile(
  path: string | URL,
  options: JsonlOptions = {},
): Promise<LabelledText[] | UnlabelledText[]> {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  return fromJsonl(fromText(await readBytes(file), { file }), { ...options, file });
}
