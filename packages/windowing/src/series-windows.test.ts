import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WindowingError } from './errors.js';
import {
  seriesBatches,
  seriesWindowCount,
  seriesWindowSource,
  seriesWindows,
} from './series-windows.js';
import { throwsCode } from './test-helpers.js';

describe('seriesWindows', () => {
  it("builds the tutorial's windows: x[j] = [j..j+4]/100, y[j] = (j+5)/100", () => {
    const data = Array.from({ length: 105 }, (_, j) => j / 100);
    const w = seriesWindows(data.slice(0, -1), { seqLength: 5, targets: data.slice(5) });
    expect(w.length).toBe(100);
    expect(Array.from(w.x.subarray(0, 5))).toEqual([0, 0.01, 0.02, 0.03, 0.04].map(Math.fround));
    expect(w.y?.[99]).toBeCloseTo(1.04, 6);
    expect(w.x[99 * 5 + 4]).toBeCloseTo(1.03, 6);
    expect(w.shapes).toEqual({ x: [100, 5, 1], y: [100] });
  });

  it('has no y without targets or horizon', () => {
    const w = seriesWindows([1, 2, 3, 4], { seqLength: 2 });
    expect(w.y).toBeUndefined();
    expect(w.shapes).toEqual({ x: [3, 2, 1] });
  });
});

describe('seriesWindows forecasting (horizon, multivariate, target columns)', () => {
  const rows = Array.from({ length: 6 }, (_, t) => [t, t * 10, -t]); // [6, 3]

  it('predicts the chosen columns `horizon` steps after the window (module example)', () => {
    const f = seriesWindows(
      rows.map((r) => [r[0]!, r[1]!]),
      { seqLength: 3, horizon: 2, targetColumns: [1] },
    );
    expect(f.length).toBe(2);
    expect(Array.from(f.y!)).toEqual([40, 50]);
    expect(f.shapes).toEqual({ x: [2, 3, 2], y: [2, 1] });
  });

  it("predicts all steps 1..h with horizonSteps 'all', by column name", () => {
    const f = seriesWindows(rows, {
      seqLength: 2,
      horizon: 2,
      horizonSteps: 'all',
      targetColumns: ['c', 'a'],
      columnNames: ['a', 'b', 'c'],
    });
    expect(f.length).toBe(3); // 6 - 1 - 2
    expect(f.shapes.y).toEqual([3, 2, 2]); // [windows, horizon, targetColumns]
    expect(Array.from(f.y!.subarray(0, 4))).toEqual([-2, 2, -3, 3]); // rows 2 and 3 of (c, a)
    expect(Array.from(f.x.subarray(0, 6))).toEqual([0, 0, -0, 1, 10, -1]);
  });

  it('defaults to all columns and respects samplingRate (targets after the last sampled row)', () => {
    const series = Array.from({ length: 10 }, (_, t) => t);
    const f = seriesWindows(series, { seqLength: 3, samplingRate: 2, horizon: 1 });
    // windows read 0,2,4 -> target 5; 1,3,5 -> 6; ... last: 4,6,8 -> 9
    expect(f.length).toBe(5);
    expect(Array.from(f.y!)).toEqual([5, 6, 7, 8, 9]);
  });

  it('never reads a target at or after endIndex', () => {
    const series = Array.from({ length: 20 }, (_, t) => t);
    const f = seriesWindows(series, { seqLength: 4, horizon: 3, endIndex: 12 });
    expect(Math.max(...f.y!)).toBe(11);
    expect(f.length).toBe(12 - 3 - 3);
  });

  it('gives batches with a smaller last batch unless dropRemainder', () => {
    const series = Array.from({ length: 12 }, (_, t) => t);
    const sizes = [...seriesBatches(series, { seqLength: 3, batchSize: 4 })].map((b) => b.size);
    expect(sizes).toEqual([4, 4, 2]);
    const dropped = seriesBatches(series, { seqLength: 3, batchSize: 4, dropRemainder: true });
    expect([...dropped].map((b) => b.size)).toEqual([4, 4]);
    expect(dropped.length).toBe(2);
  });

  it('get(i) equals row i of the eager windows', () => {
    const src = seriesWindowSource(rows, { seqLength: 2, stride: 2, horizon: 1 });
    const all = seriesWindows(rows, { seqLength: 2, stride: 2, horizon: 1 });
    for (let k = 0; k < src.length; k++) {
      expect(Array.from(src.get(k).x)).toEqual(Array.from(all.x.subarray(k * 6, k * 6 + 6)));
      expect(Array.from(src.get(k).y!)).toEqual(Array.from(all.y!.subarray(k * 3, k * 3 + 3)));
    }
  });
});

describe('seriesWindows errors', () => {
  it('rejects a window longer than the series', () => {
    throwsCode(
      () => seriesWindows([1, 2, 3], { seqLength: 4 }),
      'WINDOW_TOO_LONG',
      /4 rows.*\(3 rows/,
    );
    throwsCode(
      () => seriesWindows([1, 2, 3, 4], { seqLength: 3, samplingRate: 2 }),
      'WINDOW_TOO_LONG',
    );
    throwsCode(() => seriesWindows([1, 2, 3], { seqLength: 3, horizon: 1 }), 'WINDOW_TOO_LONG');
  });
  it('rejects stride, samplingRate, seqLength and horizon below 1', () => {
    throwsCode(
      () => seriesWindows([1, 2, 3], { seqLength: 2, stride: 0 }),
      'BAD_OPTION',
      /stride.*got 0/,
    );
    throwsCode(() => seriesWindows([1, 2, 3], { seqLength: 2, samplingRate: 0 }), 'BAD_OPTION');
    throwsCode(() => seriesWindows([1, 2, 3], { seqLength: 0 }), 'BAD_OPTION');
    throwsCode(() => seriesWindows([1, 2, 3], { seqLength: 1, horizon: 0 }), 'BAD_OPTION');
    throwsCode(() => seriesWindows([1, 2, 3], { seqLength: 1.5 }), 'BAD_OPTION');
  });
  it('rejects start and end indices outside the series', () => {
    throwsCode(
      () => seriesWindows([1, 2, 3], { seqLength: 1, startIndex: 3 }),
      'OUT_OF_RANGE',
      /0 \.\. 2/,
    );
    throwsCode(() => seriesWindows([1, 2, 3], { seqLength: 1, endIndex: 4 }), 'OUT_OF_RANGE');
    throwsCode(
      () => seriesWindows([1, 2, 3], { seqLength: 1, startIndex: 2, endIndex: 2 }),
      'OUT_OF_RANGE',
    );
    throwsCode(() => seriesWindows([1, 2, 3], { seqLength: 1, startIndex: -1 }), 'BAD_OPTION');
  });
  it('reports NaN and infinite values with their index', () => {
    throwsCode(() => seriesWindows([1, Number.NaN, 3], { seqLength: 1 }), 'NOT_FINITE', /index 1/);
    throwsCode(
      () =>
        seriesWindows(
          [
            [1, 2],
            [3, Number.POSITIVE_INFINITY],
          ],
          { seqLength: 1 },
        ),
      'NOT_FINITE',
      /row 1, column 1/,
    );
    throwsCode(
      () => seriesWindows([1, 2, 3], { seqLength: 1, targets: [0, Number.NaN, 1] }),
      'NOT_FINITE',
      /targets.*index 1/,
    );
  });
  it('rejects ragged rows and empty input', () => {
    throwsCode(
      () => seriesWindows([[1, 2], [3]], { seqLength: 1 }),
      'RAGGED_ROWS',
      /row 1 has 1 columns, expected 2/,
    );
    throwsCode(() => seriesWindows([], { seqLength: 1 }), 'EMPTY_INPUT');
    throwsCode(() => seriesWindows([[], []], { seqLength: 1 }), 'EMPTY_INPUT');
  });
  it('rejects a target column that does not exist, listing the choices', () => {
    throwsCode(
      () =>
        seriesWindows(
          [
            [1, 2],
            [3, 4],
            [5, 6],
          ],
          { seqLength: 1, horizon: 1, targetColumns: [2] },
        ),
      'UNKNOWN_COLUMN',
      /2 columns \(0 \.\. 1\)/,
    );
    throwsCode(
      () =>
        seriesWindows(
          [
            [1, 2],
            [3, 4],
          ],
          {
            seqLength: 1,
            horizon: 1,
            targetColumns: ['z'],
            columnNames: ['x', 'y'],
          },
        ),
      'UNKNOWN_COLUMN',
      /0 'x', 1 'y'/,
    );
  });
  it('rejects targets together with horizon, and targets too short for startIndex', () => {
    throwsCode(
      () => seriesWindows([1, 2, 3], { seqLength: 1, targets: [1, 2, 3], horizon: 1 }),
      'BAD_OPTION',
    );
    throwsCode(
      () => seriesWindows([1, 2, 3, 4, 5], { seqLength: 1, startIndex: 3, targets: [1, 2] }),
      'LENGTH_MISMATCH',
    );
  });
});

describe('seriesWindows properties (fast-check)', () => {
  const params = fc
    .record({
      n: fc.integer({ min: 1, max: 80 }),
      seqLength: fc.integer({ min: 1, max: 12 }),
      stride: fc.integer({ min: 1, max: 7 }),
      samplingRate: fc.integer({ min: 1, max: 4 }),
      a: fc.nat(),
      b: fc.nat(),
      horizon: fc.integer({ min: 0, max: 3 }),
    })
    .map((p) => {
      const startIndex = p.a % p.n;
      const endIndex = startIndex + 1 + (p.b % (p.n - startIndex));
      return { ...p, startIndex, endIndex };
    });

  it('every window is a contiguous slice with the right stride, and the count is the closed form', () => {
    fc.assert(
      fc.property(params, (p) => {
        const data = Array.from({ length: p.n }, (_, i) => i); // value = row index
        const span = (p.seqLength - 1) * p.samplingRate + 1 + p.horizon;
        const closed =
          p.endIndex - p.startIndex >= span
            ? Math.floor((p.endIndex - p.startIndex - span) / p.stride) + 1
            : 0;
        const args = {
          seqLength: p.seqLength,
          stride: p.stride,
          samplingRate: p.samplingRate,
          startIndex: p.startIndex,
          endIndex: p.endIndex,
          ...(p.horizon ? { horizon: p.horizon } : {}),
        };
        expect(seriesWindowCount({ rows: p.n, ...args })).toBe(closed);
        if (closed === 0) {
          expect(() => seriesWindows(data, args)).toThrow(WindowingError);
          return;
        }
        const w = seriesWindows(data, args);
        expect(w.length).toBe(closed);
        for (let k = 0; k < w.length; k++) {
          const first = w.x[k * p.seqLength]!;
          expect(first).toBe(p.startIndex + k * p.stride);
          for (let t = 1; t < p.seqLength; t++) {
            expect(w.x[k * p.seqLength + t]! - w.x[k * p.seqLength + t - 1]!).toBe(p.samplingRate);
          }
          const last = w.x[k * p.seqLength + p.seqLength - 1]!;
          expect(last + p.horizon).toBeLessThan(p.endIndex);
          if (p.horizon) expect(w.y![k]).toBe(last + p.horizon);
        }
        // maximal: one more window would read at or past endIndex
        expect(p.startIndex + w.length * p.stride + span - 1).toBeGreaterThanOrEqual(p.endIndex);
      }),
      { numRuns: 300 },
    );
  });
});
