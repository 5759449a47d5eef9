/**
 * The typed errors of `@rnnkit/windowing`. Every message says what failed, what was expected
 * versus what was given, and how to fix it.
 *
 * @example
 * ```ts
 * import { nextTokenWindows, WindowingError } from '@rnnkit/windowing';
 * try {
 *   nextTokenWindows([1, 2], { seqLength: 4 });
 * } catch (e) {
 *   if (e instanceof WindowingError) console.log(e.code);
 * }
 * // WINDOW_TOO_LONG
 * ```
 */

/** Stable codes, one per kind of bad input; programs match on these, people read the message. */
export type WindowingErrorCode =
  /** An option has the wrong type or range (stride < 1, fraction outside [0, 1), ...). */
  | 'BAD_OPTION'
  /** The window (plus its target) does not fit in the series or the [startIndex, endIndex) range. */
  | 'WINDOW_TOO_LONG'
  /** startIndex / endIndex / a column index lies outside the series. */
  | 'OUT_OF_RANGE'
  /** A value is NaN or +-Infinity (the message gives its index). */
  | 'NOT_FINITE'
  /** Rows of a multivariate series (or of a batch) do not all have the same number of columns. */
  | 'RAGGED_ROWS'
  /** No data at all: an empty series, an empty list of sequences. */
  | 'EMPTY_INPUT'
  /** A target column (by name or index) that the series does not have. */
  | 'UNKNOWN_COLUMN'
  /** Two inputs that must pair up (sources and targets, data and targets) differ in length. */
  | 'LENGTH_MISMATCH';

/** Base class of every error thrown by `@rnnkit/windowing`; `code` is stable for programs to match. */
export class WindowingError extends Error {
  readonly code: WindowingErrorCode;
  constructor(code: WindowingErrorCode, message: string) {
    super(message);
    this.name = 'WindowingError';
    this.code = code;
  }
}

/**
 * Throws `OUT_OF_RANGE` unless `index` is an integer in [0, length): the index of one of `length`
 * windows, sequences or pairs (`what` names them in the message).
 */
export function checkIndex(index: number, length: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new WindowingError(
      'OUT_OF_RANGE',
      `${what} index ${index} is outside [0, ${length}): ask for 0 .. length - 1`,
    );
  }
}
