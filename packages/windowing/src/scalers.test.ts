import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinMaxScaler, StandardScaler, scalerFromJSON } from './scalers.js';
import { throwsCode } from './test-helpers.js';

describe('StandardScaler', () => {
  it('fits on the train rows only (module example)', () => {
    const s = StandardScaler.fit([1, 2, 3, 100], { endIndex: 3 });
    const t = s.transform([1, 2, 3]);
    expect(t[0]).toBeCloseTo(-Math.sqrt(1.5), 5);
    expect(t[1]).toBeCloseTo(0, 6);
    expect(t[2]).toBeCloseTo(Math.sqrt(1.5), 5);
    expect(s.inverse(s.transform([100]))[0]).toBeCloseTo(100, 4);
    expect(scalerFromJSON(JSON.parse(JSON.stringify(s))).transform([2])[0]).toBeCloseTo(0, 6);
  });

  it('scales per column for multivariate rows, and picks columns for inverse', () => {
    const rows = [
      [0, 10],
      [2, 30],
    ];
    const s = StandardScaler.fit(rows, { columnNames: ['a', 'b'] });
    expect(Array.from(s.transform(rows))).toEqual([-1, -1, 1, 1]);
    expect(Array.from(s.inverse([[1], [-1]], { columns: ['b'] }))).toEqual([30, 10]);
    expect(Array.from(s.inverse([1, -1], { columns: [0] }))).toEqual([2, 0]);
  });

  it('scales a constant column by 1 instead of dividing by zero', () => {
    const s = StandardScaler.fit([5, 5, 5]);
    expect(Array.from(s.transform([5, 6]))).toEqual([0, 1]);
  });
});

describe('MinMaxScaler', () => {
  it('maps the train range onto [0, 1] or a chosen range, and round-trips through JSON', () => {
    const s = MinMaxScaler.fit([2, 4, 6, 1000], { endIndex: 3 });
    expect(Array.from(s.transform([2, 4, 6]))).toEqual([0, 0.5, 1]);
    const r = MinMaxScaler.fit([2, 4, 6], { range: [-1, 1] });
    expect(Array.from(r.transform([2, 4, 6]))).toEqual([-1, 0, 1]);
    const back = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(r)));
    expect(back.kind).toBe('minmax');
    expect(Array.from(back.inverse([-1, 0, 1]))).toEqual([2, 4, 6]);
  });

  it('property: inverse(transform(v)) = v (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 30 }),
        (values) => {
          for (const s of [MinMaxScaler.fit(values), StandardScaler.fit(values)]) {
            const back = s.inverse(s.transform(values));
            values.forEach((v, i) => {
              expect(back[i]).toBeCloseTo(Math.fround(v), 1);
            });
          }
        },
      ),
    );
  });
});

describe('scaler errors', () => {
  it('rejects bad fit ranges, bad JSON, wrong column counts and unknown columns', () => {
    throwsCode(() => StandardScaler.fit([1, 2], { endIndex: 3 }), 'OUT_OF_RANGE');
    throwsCode(() => StandardScaler.fit([1, 2], { startIndex: 2 }), 'OUT_OF_RANGE');
    throwsCode(() => MinMaxScaler.fit([1, 2], { range: [1, 1] }), 'BAD_OPTION');
    throwsCode(() => scalerFromJSON({ kind: 'standard', offset: [0], scale: [0] }), 'BAD_OPTION');
    const s = StandardScaler.fit([
      [1, 2],
      [3, 4],
    ]);
    throwsCode(() => s.transform([1, 2, 3]), 'RAGGED_ROWS', /expected 2/);
    throwsCode(() => s.inverse([1], { columns: [5] }), 'UNKNOWN_COLUMN');
    throwsCode(() => StandardScaler.fit([1, Number.NaN]), 'NOT_FINITE', /index 1/);
  });
});
