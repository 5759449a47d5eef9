import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endOf, seriesPart } from './series-part.js';

const trained = { head: [1, 2, 3], tail: [7, 8, 9] };

describe('seriesPart', () => {
  it('scores what follows the training series, refuses overlap, else takes a continuation', () => {
    const series = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(seriesPart([...series, 10, 11], trained)).toEqual({ kind: 'after', from: 9 });
    expect(seriesPart([8, 9, 10], { head: null, tail: [8, 9] })).toEqual({
      kind: 'after',
      from: 2,
    });
    expect(seriesPart(series, trained)).toEqual({
      kind: 'overlap',
      why: 'it ends with the last 3 values of the training series',
    });
    expect(seriesPart([0, 1, 2, 3, 4], trained)).toEqual({
      kind: 'overlap',
      why: 'values 2..4 are the first 3 values of the training series',
    });
    expect(seriesPart([10, 11, 12], trained)).toEqual({ kind: 'continues' });
    // a CSV value read back from JSON, with float noise
    expect(endOf([0.1 + 0.2, 5], [0.3])).toBe(1);
  });

  it('finds the tail wherever it is (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 30 }),
        fc.array(fc.double({ min: 2e6, max: 3e6, noNaN: true }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 10 }),
        (before, tail, after) => {
          const part = seriesPart([...before, ...tail, ...after], { head: null, tail });
          if (after.length === 0) expect(part.kind).toBe('overlap');
          else expect(part).toEqual({ kind: 'after', from: before.length + tail.length });
        },
      ),
    );
  });
});
