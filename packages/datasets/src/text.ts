/**
 * Plain text from bytes or files: strict UTF-8 (invalid bytes are an error with their byte offset
 * and line, never a silent U+FFFD), the byte order mark dropped, Windows (CRLF) and old Mac (CR)
 * line ends turned into `\n`. Every file reader of this package reads through here. Also
 * `splitText`, which holds out the end of a corpus for evaluation.
 *
 * @example
 * ```ts
 * import { fromText, splitText } from '@rnnkit/datasets';
 * fromText(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69, 0x0d, 0x0a])); // 'hi\n'
 * fromText(new Uint8Array([0x68, 0xff])); // throws INVALID_UTF8: invalid UTF-8 at byte 1 (line 1) ...
 * splitText('abcdefghijklmnopqrst', { test: 0.05 }); // { train: 'abcdefghijklmnopqrs', validation: '', test: 't' }
 * ```
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DatasetError, inFile } from './errors.js';

/** Options of `fromText`. */
export interface TextOptions {
  /** File name to put in error messages. */
  file?: string;
}

const BOM = '\uFEFF';

/**
 * Decodes UTF-8 bytes (or takes a string), drops a leading byte order mark and normalises line
 * ends (`\r\n` and lone `\r` become `\n`).
 *
 * @throws DatasetError `INVALID_UTF8` with the byte offset and line of the first bad byte.
 */
export function fromText(input: Uint8Array | string, options: TextOptions = {}): string {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
    } catch {
      throw invalidUtf8(input, options.file);
    }
  }
  if (text.startsWith(BOM)) text = text.slice(1);
  // Only pay for the replace when there is a CR at all (most files are already LF).
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/**
 * Reads a UTF-8 text file: `fromText` over its bytes, with the file name in errors.
 *
 * @example
 * ```ts
 * const text = await fromTextFile('corpus.txt');
 * ```
 * @throws DatasetError `FILE_NOT_READABLE`, `INVALID_UTF8`.
 */
export async function fromTextFile(path: string | URL): Promise<string> {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  return fromText(await readBytes(file), { file });
}

/** Reads a file's bytes, turning Node's errors into `FILE_NOT_READABLE` with a fix. */
export async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String((e as Error).message);
    throw new DatasetError(
      'FILE_NOT_READABLE',
      `cannot read ${JSON.stringify(file)}: ${why}; check the path (relative paths start at ` +
        `the current directory, ${JSON.stringify(process.cwd())})`,
      { file },
    );
  }
}

/** Builds the INVALID_UTF8 error: finds the first bad byte (only on this failure path). */
function invalidUtf8(bytes: Uint8Array, file: string | undefined): DatasetError {
  const offset = firstInvalidUtf8(bytes);
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  // A UTF-16 file fails at byte 0 or 1 (its byte order mark, or a NUL-padded first character
  // does not fail at all): name the encoding when the BOM shows it.
  const utf16 =
    (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const hex = Array.from(bytes.subarray(offset, offset + 4), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join(' ');
  return new DatasetError(
    'INVALID_UTF8',
    `${inFile(file)}invalid UTF-8 at byte ${offset} (line ${line}): expected a UTF-8 sequence, ` +
      `got bytes ${hex}; ` +
      (utf16
        ? 'the file starts with a UTF-16 byte order mark: convert it, e.g. ' +
          '`iconv -f UTF-16 -t UTF-8 in.txt > out.txt`'
        : 'the file is probably in another encoding (Latin-1, Windows-1252, UTF-16): convert ' +
          'it, e.g. `iconv -f WINDOWS-1252 -t UTF-8 in.txt > out.txt`'),
    { line, offset, ...(file === undefined ? {} : { file }) },
  );
}

/**
 * Byte offset of the first byte that makes `bytes` invalid UTF-8 (the WHATWG decoder's rules:
 * no overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence), or
 * `bytes.length` when all are valid.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      // The first continuation byte has the narrowed range; the others are plain 80..BF.
      const [l, h] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (c === undefined || c < l || c > h) return i;
    }
    i += need + 1;
  }
  return n;
}

/** Options of `splitText`: fractions of the text, taken from its end (test last). */
export interface SplitTextOptions {
  /** Fraction held out at the very end for testing, in [0, 1). Default 0. */
  test?: number;
  /** Fraction held out just before the test part, in [0, 1). Default 0. */
  validation?: number;
}

/** The three consecutive parts of a text; `train + validation + test` is the whole text. */
export interface TextSplit {
  train: string;
  validation: string;
  test: string;
}

/**
 * Cuts a text into consecutive train / validation / test parts by character fractions, the
 * held-out parts at the end (so no sentence of the test part was seen in training, unlike a
 * shuffled split of windows). A cut never falls inside a surrogate pair.
 *
 * @example
 * ```ts
 * const { train, test } = splitText((await mobyDick()).data, { test: 0.05 });
 * [train.length, test.length]; // [1130801, 59516]
 * ```
 * @throws DatasetError `BAD_OPTION` when a fraction is outside [0, 1) or they leave no training text.
 */
export function splitText(text: string, options: SplitTextOptions = {}): TextSplit {
  const test = fractionOption('test', options.test);
  const validation = fractionOption('validation', options.validation);
  const n = text.length;
  const nTest = Math.round(n * test);
  const nVal = Math.round(n * validation);
  if (n - nTest - nVal < 1) {
    throw new DatasetError(
      'BAD_OPTION',
      `splitText: validation (${validation}) and test (${test}) leave no training text out of ` +
        `${n} characters: give a longer text or smaller fractions`,
    );
  }
  const testStart = safeCut(text, n - nTest);
  const valStart = safeCut(text, testStart - nVal);
  return {
    train: text.slice(0, valStart),
    validation: text.slice(valStart, testStart),
    test: text.slice(testStart),
  };
}

/** Moves a cut one code unit left when it would split a surrogate pair. */
function safeCut(text: string, at: number): number {
  const c = text.charCodeAt(at);
  return at > 0 && c >= 0xdc00 && c <= 0xdfff ? at - 1 : at;
}

function fractionOption(name: string, value: number | undefined): number {
  const v = value ?? 0;
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
    throw new DatasetError(
      'BAD_OPTION',
      `${name} must be a fraction in [0, 1), got ${String(value)}: e.g. { ${name}: 0.05 }`,
    );
  }
  return v;
}
