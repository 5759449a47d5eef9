/**
 * Internal argument checks shared by the window builders (not exported from the package).
 * Each throws a {@link WindowingError} whose message names the option, the expected range,
 * the value received and a fix.
 *
 * @example
 * ```ts
 * positiveInt('stride', 0); // throws BAD_OPTION: stride must be an integer >= 1, got 0: ...
 * ```
 */
import { WindowingError } from './errors.js';

/** Checks an integer option >= 1 (seqLength, stride, samplingRate, batchSize, horizon). */
export function positiveInt(name: string, value: number, hint = `pass ${name}: 1 or more`): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new WindowingError(
      'BAD_OPTION',
      `${name} must be an integer >= 1, got ${String(value)}: ${hint}`,
    );
  }
  return value;
}

/** Checks an integer option >= 0 (startIndex, endIndex, ids). */
export function nonNegativeInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new WindowingError(
      'BAD_OPTION',
      `${name} must be an integer >= 0, got ${String(value)}: pass a whole number`,
    );
  }
  return value;
}

/** Checks a fraction in [0, 1) (split sizes). */
export function fraction(name: string, value: number): number {
  if (!(value >= 0 && value < 1)) {
    throw new WindowingError(
      'BAD_OPTION',
      `${name} must be a fraction in [0, 1), got ${String(value)}: e.g. ${name}: 0.1 for 10 %`,
    );
  }
  return value;
}

/** Throws NOT_FINITE naming the first NaN / infinite value of `values` (scanned in full). */
export function assertFinite(what: string, values: ArrayLike<number>, columns = 1): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // v - v is 0 for finite numbers and NaN for NaN and +-Infinity: one check for both
    if (v - v !== 0) {
      const where =
        columns > 1 ? `row ${Math.floor(i / columns)}, column ${i % columns}` : `index ${i}`;
      throw new WindowingError(
        'NOT_FINITE',
        `${what} has a non-finite value ${String(v)} at ${where}: expected finite numbers; ` +
          'fill or drop missing values before windowing',
      );
    }
  }
}

/** Throws EMPTY_INPUT when `n` is 0. */
export function nonEmpty(what: string, n: number, fix: string): void {
  if (n === 0) {
    throw new WindowingError(
      'EMPTY_INPUT',
      `${what} is empty: expected at least one value; ${fix}`,
    );
  }
}
