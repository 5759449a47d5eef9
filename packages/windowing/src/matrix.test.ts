import { describe, expect, it } from 'vitest';
import { resolveColumns, toMatrix } from './matrix.js';
import { throwsCode } from './test-helpers.js';

describe('toMatrix', () => {
  it('flattens rows into [rows, columns] (module example) and keeps a Float32Array as is', () => {
    const m = toMatrix([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    expect([m.rows, m.columns]).toEqual([3, 2]);
    expect(Array.from(m.values)).toEqual([1, 10, 2, 20, 3, 30]);
    const f = new Float32Array([1, 2, 3]);
    expect(toMatrix(f).values).toBe(f);
    expect(toMatrix(f).univariate).toBe(true);
  });

  it('accepts a matrix object and checks its size and names', () => {
    const values = new Float32Array(6);
    expect(toMatrix({ values, rows: 3, columns: 2 }).values).toBe(values);
    throwsCode(() => toMatrix({ values, rows: 4, columns: 2 }), 'RAGGED_ROWS', /4 x 2 = 8/);
    throwsCode(() => toMatrix({ values, rows: 3, columns: 2 }, 'series', ['a']), 'LENGTH_MISMATCH');
  });

  it('resolves columns by index or name and lists the choices', () => {
    const m = toMatrix([[1, 2, 3]], 'series', ['a', 'b', 'c']);
    expect(Array.from(resolveColumns(m, ['c', 0]))).toEqual([2, 0]);
    throwsCode(() => resolveColumns(m, ['d']), 'UNKNOWN_COLUMN', /0 'a', 1 'b', 2 'c'/);
    throwsCode(() => resolveColumns(m, []), 'EMPTY_INPUT');
    throwsCode(() => resolveColumns(toMatrix([[1, 2]]), ['x']), 'UNKNOWN_COLUMN', /columnNames/);
  });
});
