import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seriesWindowSource } from './series-windows.js';
import { chronologicalSplit, shuffledSplit } from './split.js';
import { throwsCode } from './test-helpers.js';

describe('shuffledSplit', () => {
  it('partitions the indices, the same way for the same seed', () => {
    const a = shuffledSplit(100, { test: 0.2, seed: 7 });
    const b = shuffledSplit(100, { test: 0.2, seed: 7 });
    expect(a.test.length).toBe(20);
    expect([...a.train, ...a.test].sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
    expect(a).toEqual(b);
  });

  it('deals train / validation / test (module example), differently for another seed', () => {
    const s = shuffledSplit(100, { validation: 0.1, test: 0.2, seed: 42 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([70, 10, 20]);
    const all = [...s.train, ...s.validation, ...s.test].sort((x, y) => x - y);
    expect(all).toEqual([...Array(100).keys()]);
    expect(shuffledSplit(100, { validation: 0.1, test: 0.2, seed: 43 }).test).not.toEqual(s.test);
  });

  it('rejects fractions that leave nothing to train on, and n = 0', () => {
    throwsCode(() => shuffledSplit(10, { test: 0.5, validation: 0.5, seed: 1 }), 'BAD_OPTION');
    throwsCode(() => shuffledSplit(10, { test: 1, seed: 1 }), 'BAD_OPTION', /\[0, 1\)/);
    throwsCode(() => shuffledSplit(0, { test: 0.1, seed: 1 }), 'EMPTY_INPUT');
  });
});

describe('chronologicalSplit', () => {
  it('cuts consecutive ranges in time order (module example)', () => {
    const parts = chronologicalSplit(1000, { validation: 0.1, test: 0.2 });
    expect(parts.train).toEqual({ startIndex: 0, endIndex: 700 });
    expect(parts.validation).toEqual({ startIndex: 700, endIndex: 800 });
    expect(parts.test).toEqual({ startIndex: 800, endIndex: 1000 });
    const series = Array.from({ length: 1000 }, (_, t) => Math.sin(t / 10));
    expect(seriesWindowSource(series, { seqLength: 24, horizon: 1, ...parts.train }).length).toBe(
      676,
    );
  });

  it('property: windows (inputs and targets) of different parts never overlap (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 30, max: 400 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0.05, max: 0.3, noNaN: true }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 2 }),
        (rows, validation, test, seqLength, samplingRate, horizon) => {
          const data = Array.from({ length: rows }, (_, i) => i); // value = row index
          const parts = chronologicalSplit(rows, { validation, test });
          const ranges: [number, number][] = [];
          for (const part of [parts.train, parts.validation, parts.test]) {
            expect(part.startIndex).toBeLessThanOrEqual(part.endIndex);
            let src: ReturnType<typeof seriesWindowSource>;
            try {
              src = seriesWindowSource(data, {
                seqLength,
                samplingRate,
                ...(horizon ? { horizon } : {}),
                ...part,
              });
            } catch {
              continue; // a part too short for one window has none
            }
            let lo = Infinity;
            let hi = -Infinity;
            for (let k = 0; k < src.length; k++) {
              const { x, y } = src.get(k);
              for (const v of [...x, ...(y ?? [])]) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
              }
            }
            expect(lo).toBeGreaterThanOrEqual(part.startIndex);
            expect(hi).toBeLessThan(part.endIndex);
            ranges.push([lo, hi]);
          }
          for (let i = 1; i < ranges.length; i++) {
            expect(ranges[i]![0]).toBeGreaterThan(ranges[i - 1]![1]); // strictly later in time
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
