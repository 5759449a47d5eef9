/**
 * A series as a row-major matrix: `rows` time steps x `columns` features, validated once
 * (empty input, ragged rows, NaN / infinite values with their row and column).
 *
 * @example
 * ```ts
 * import { toMatrix } from '@rnnkit/windowing';
 * const m = toMatrix([[1, 10], [2, 20], [3, 30]]);
 * [m.rows, m.columns]; // [3, 2]
 * m.values; // Float32Array [1, 10, 2, 20, 3, 30]  // [rows, columns]
 * toMatrix([[1, 2], [3]]); // throws RAGGED_ROWS: row 1 has 1 columns, expected 2 (like row 0) ...
 * ```
 */
import { WindowingError } from './errors.js';
import { assertFinite } from './validate.js';

/** A validated series: `values` is [rows, columns], row-major. */
export interface SeriesMatrix {
  /** [rows, columns] row-major values. */
  readonly values: Float32Array;
  /** Time steps. */
  readonly rows: number;
  /** Features per time step. */
  readonly columns: number;
  /** Optional column names, so that target columns can be chosen by name. */
  readonly names?: readonly string[];
  /** True when the input was one-dimensional (a plain list of numbers). */
  readonly univariate?: boolean;
}

/** What the series functions accept: numbers (one feature), rows of numbers, or a matrix. */
export type SeriesInput = ArrayLike<number> | readonly ArrayLike<number>[] | SeriesMatrix;

function isMatrix(data: SeriesInput): data is SeriesMatrix {
  return (
    typeof (data as SeriesMatrix).columns === 'number' &&
    (data as SeriesMatrix).values instanceof Float32Array
  );
}

/**
 * Validates and normalises a series. A Float32Array (or a matrix of one) is used without a copy;
 * other inputs are copied once into Float32 (the windows themselves are never all materialised).
 */
export function toMatrix(
  data: SeriesInput,
  what = 'series',
  names?: readonly string[],
): SeriesMatrix {
  let m: SeriesMatrix;
  if (isMatrix(data)) {
    if (!Number.isInteger(data.columns) || data.columns < 1) {
      throw new WindowingError(
        'BAD_OPTION',
        `${what}.columns must be an integer >= 1, got ${data.columns}`,
      );
    }
    if (data.values.length !== data.rows * data.columns) {
      throw new WindowingError(
        'RAGGED_ROWS',
        `${what}.values has ${data.values.length} numbers, expected rows x columns = ` +
          `${data.rows} x ${data.columns} = ${data.rows * data.columns}: fix rows or columns`,
      );
    }
    m = data;
  } else if (data.length === 0) {
    m = { values: new Float32Array(0), rows: 0, columns: 1, univariate: true };
  } else if (typeof data[0] === 'number') {
    const flat = data as ArrayLike<number>;
    const values = flat instanceof Float32Array ? flat : Float32Array.from(flat);
    m = { values, rows: values.length, columns: 1, univariate: true };
  } else {
    const list = data as readonly ArrayLike<number>[];
    const columns = list[0]!.length;
    const values = new Float32Array(list.length * columns);
    for (let r = 0; r < list.length; r++) {
      const row = list[r]!;
      if (row?.length !== columns) {
        throw new WindowingError(
          'RAGGED_ROWS',
          `${what} row ${r} has ${String(row?.length)} columns, expected ${columns} (like row 0): ` +
            'give every time step the same features, filling gaps before windowing',
        );
      }
      for (let c = 0; c < columns; c++) values[r * columns + c] = row[c]!;
    }
    m = { values, rows: list.length, columns };
  }
  if (m.rows === 0 || m.columns === 0) {
    throw new WindowingError(
      'EMPTY_INPUT',
      `${what} is empty: expected at least one time step with at least one feature; ` +
        'check that the data loaded',
    );
  }
  // Float32 keeps NaN and infinities at the same index, so the index reported is the user's
  assertFinite(what, m.values, m.columns);
  const withNames = names ?? m.names;
  if (withNames && withNames.length !== m.columns) {
    throw new WindowingError(
      'LENGTH_MISMATCH',
      `${what} has ${m.columns} columns but ${withNames.length} names: give one name per column`,
    );
  }
  return withNames ? { ...m, names: withNames } : m;
}

/** Resolves target columns given by index or name to indices; lists the valid choices on error. */
export function resolveColumns(m: SeriesMatrix, columns: readonly (number | string)[]): Int32Array {
  if (columns.length === 0) {
    throw new WindowingError(
      'EMPTY_INPUT',
      'targetColumns is empty: pass at least one column, or leave it out for all columns',
    );
  }
  const choices = m.names
    ? m.names.map((n, i) => `${i} '${n}'`).join(', ')
    : `0 .. ${m.columns - 1}`;
  return Int32Array.from(columns, (c) => {
    const i = typeof c === 'string' ? (m.names?.indexOf(c) ?? -1) : c;
    if (!Number.isInteger(i) || i < 0 || i >= m.columns) {
      throw new WindowingError(
        'UNKNOWN_COLUMN',
        `target column ${typeof c === 'string' ? `'${c}'` : c} does not exist: ` +
          `the series has ${m.columns} columns (${choices}); pick one of those` +
          (typeof c === 'string' && !m.names ? ', or pass columnNames to choose by name' : ''),
      );
    }
    return i;
  });
}
