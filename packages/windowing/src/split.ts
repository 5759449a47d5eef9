/**
 * Splits. `shuffledSplit` deals independent examples into seeded train/validation/test parts;
 * `chronologicalSplit` cuts a series into consecutive time ranges, which series windows then
 * respect through startIndex/endIndex: no window or target crosses a boundary, so nothing from
 * the future leaks into training.
 *
 * @example
 * ```ts
 * import { chronologicalSplit, seriesWindowSource, shuffledSplit } from '@rnnkit/windowing';
 * const { train, validation, test } = shuffledSplit(100, { validation: 0.1, test: 0.2, seed: 42 });
 * [train.length, validation.length, test.length]; // [70, 10, 20]
 * const parts = chronologicalSplit(1000, { validation: 0.1, test: 0.2 });
 * parts.train; // { startIndex: 0, endIndex: 700 }
 * parts.test;  // { startIndex: 800, endIndex: 1000 }
 * const series = Array.from({ length: 1000 }, (_, t) => Math.sin(t / 10));
 * const trainWindows = seriesWindowSource(series, { seqLength: 24, horizon: 1, ...parts.train });
 * trainWindows.length; // 676 windows, all inside rows 0 .. 699
 * ```
 */
import { WindowingError } from './errors.js';
import { mulberry32, permutation } from './random.js';
import { fraction, nonNegativeInt } from './validate.js';

export interface ShuffledSplitArgs {
  /** Fraction of examples for the test part, in [0, 1). Default 0. */
  test?: number;
  /** Fraction of examples for the validation part, in [0, 1). Default 0. */
  validation?: number;
  /** Seed of the shuffle. */
  seed: number;
}

/** Index parts of a shuffled split; disjoint, together 0 .. n-1. */
export interface ShuffledSplit {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** A half-open row range [startIndex, endIndex), ready to spread into series window options. */
export interface RowRange {
  startIndex: number;
  endIndex: number;
}

export interface ChronologicalSplitArgs {
  /** Fraction of rows for validation (after train), in [0, 1). Default 0. */
  validation?: number;
  /** Fraction of rows for test (the most recent rows), in [0, 1). Default 0. */
  test?: number;
}

export interface ChronologicalSplit {
  train: RowRange;
  validation: RowRange;
  test: RowRange;
}

function parts(
  n: number,
  args: { validation?: number; test?: number },
): { nVal: number; nTest: number } {
  const v = fraction('validation', args.validation ?? 0);
  const t = fraction('test', args.test ?? 0);
  const nTest = Math.round(n * t);
  const nVal = Math.round(n * v);
  if (n - nTest - nVal < 1) {
    throw new WindowingError(
      'BAD_OPTION',
      `validation (${v}) and test (${t}) leave no training examples out of ${n}: ` +
        'lower the fractions so that they sum to less than 1',
    );
  }
  return { nVal, nTest };
}

function checkCount(what: string, n: number): void {
  nonNegativeInt(what, n);
  if (n === 0) {
    throw new WindowingError('EMPTY_INPUT', `${what} is 0: there is nothing to split`);
  }
}

/**
 * Returns disjoint index arrays: `test` gets round(n * test) examples, `validation`
 * round(n * validation), `train` the rest. The same seed gives the same split.
 */
export function shuffledSplit(n: number, args: ShuffledSplitArgs): ShuffledSplit {
  checkCount('n', n);
  const { nVal, nTest } = parts(n, args);
  const order = permutation(n, mulberry32(args.seed));
  return {
    train: order.slice(nTest + nVal),
    validation: order.slice(nTest, nTest + nVal),
    test: order.slice(0, nTest),
  };
}

/**
 * Cuts `rows` time steps into train [0, a), validation [a, b), test [b, rows), in time order.
 * Empty parts have startIndex === endIndex.
 */
export function chronologicalSplit(rows: number, args: ChronologicalSplitArgs): ChronologicalSplit {
  checkCount('rows', rows);
  const { nVal, nTest } = parts(rows, args);
  const a = rows - nTest - nVal;
  const b = rows - nTest;
  return {
    train: { startIndex: 0, endIndex: a },
    validation: { startIndex: a, endIndex: b },
    test: { startIndex: b, endIndex: rows },
  };
}
