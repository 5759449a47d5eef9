/**
 * The typed errors of `@rnnkit/vocab`. Programs match on `code` (stable across versions); people
 * read `message`, which says what failed, what was expected and what was given, and how to fix it.
 *
 * @example
 * ```ts
 * import { Vocab, VocabError, charTokenizer } from '@rnnkit/vocab';
 * const vocab = Vocab.fromTexts(['ab'], { tokenizer: charTokenizer(), specials: [] });
 * try {
 *   vocab.encode('abc');
 * } catch (e) {
 *   if (e instanceof VocabError) console.log(e.code); // 'UNKNOWN_TOKEN'
 * }
 * ```
 */

/**
 * Every `code` an error of this package can carry:
 * - `INVALID_ARGUMENT`: an option has a value outside its domain (the message lists the valid ones);
 * - `MISSING_SPECIAL`: an option needs a special token (`<pad>`, `<unk>`, `<bos>`, `<eos>`) that
 *   the vocab was built without;
 * - `UNKNOWN_TOKEN`: a token is not in the vocab and the OOV policy is `'throw'`;
 * - `UNKNOWN_ID`: an id is not an integer in `[0, size)`;
 * - `NOT_SERIALIZABLE`: a tokenizer holds a user function, which JSON cannot carry;
 * - `INVALID_FORMAT`: a vocab or tokenizer JSON is malformed;
 * - `UNSUPPORTED_VERSION`: a vocab JSON was written by a newer `@rnnkit/vocab`.
 */
export type VocabErrorCode =
  | 'INVALID_ARGUMENT'
  | 'MISSING_SPECIAL'
  | 'UNKNOWN_TOKEN'
  | 'UNKNOWN_ID'
  | 'NOT_SERIALIZABLE'
  | 'INVALID_FORMAT'
  | 'UNSUPPORTED_VERSION';

/** Base class of every error thrown by `@rnnkit/vocab`; `code` is stable for programs to match. */
export class VocabError extends Error {
  readonly code: VocabErrorCode;
  constructor(code: VocabErrorCode, message: string) {
    super(message);
    this.name = 'VocabError';
    this.code = code;
  }
}

/** A token is not in the vocabulary and the OOV policy is `'throw'`. */
export class UnknownTokenError extends VocabError {
  /** The token that is missing. */
  readonly token: string;
  /** Its index in the token sequence of the text (not a UTF-16 offset). */
  readonly position: number;
  constructor(token: string, position: number) {
    super(
      'UNKNOWN_TOKEN',
      `token ${JSON.stringify(token)} at position ${position} is not in the vocabulary: ` +
        `build the vocab from text that contains it, or use oov: 'unk' with an '<unk>' special`,
    );
    this.name = 'UnknownTokenError';
    this.token = token;
    this.position = position;
  }
}

/**
 * A vocab or tokenizer JSON cannot be read (`code` is `INVALID_FORMAT` or `UNSUPPORTED_VERSION`).
 * Thrown before anything is built, so a failed load never leaves a half-built vocab behind.
 */
export class VocabFormatError extends VocabError {
  /** Where in the document the problem is, e.g. `tokens[3]` (`''` for the whole document). */
  readonly path: string;
  constructor(code: 'INVALID_FORMAT' | 'UNSUPPORTED_VERSION', path: string, message: string) {
    super(code, path === '' ? message : `${path}: ${message}`);
    this.name = 'VocabFormatError';
    this.path = path;
  }
}

/** `'string "x"'`, `'number 3'`, `'null'`, `'array'`: how a value is named in error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const s = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return `string ${JSON.stringify(s)}`;
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
