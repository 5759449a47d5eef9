import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance } from './edit-distance.js';

const seq = fc.array(fc.constantFrom('A', 'B', 'C', 'D'), { maxLength: 12 });

describe('editDistance', () => {
  it('counts substitutions, insertions and deletions', () => {
    expect(editDistance(['K', 'AE', 'T'], ['K', 'AA', 'T', 'S'])).toBe(2);
    expect(editDistance([], ['A', 'B'])).toBe(2);
    expect(editDistance([...'kitten'], [...'sitting'])).toBe(3);
  });

  it('is a metric bounded by the longer length', () => {
    fc.assert(
      fc.property(seq, seq, seq, (a, b, c) => {
        const ab = editDistance(a, b);
        expect(ab).toBe(editDistance(b, a));
        expect(editDistance(a, a)).toBe(0);
        expect(ab).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(ab).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(editDistance(a, c)).toBeLessThanOrEqual(ab + editDistance(b, c));
      }),
    );
  });
});
