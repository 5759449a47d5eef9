import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenTable } from './token-table.js';

describe('TokenTable', () => {
  it('finds substrings in place and inserts only when asked', () => {
    const t = new TokenTable();
    expect(t.find('the whale', 4, 9, false)).toBe(-1);
    expect(t.find('the whale', 4, 9, true)).toBe(0);
    expect(t.find('a whale!', 2, 7, false)).toBe(0);
    expect(t.find('whales', 0, 6, false)).toBe(-1);
    expect(t.find('', 0, 0, true)).toBe(1);
    expect(t.keys).toEqual(['whale', '']);
  });

  it('agrees with a Map on any strings, across many growths', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 6 }), { maxLength: 3000 }),
        (words) => {
          const t = new TokenTable();
          const m = new Map<string, number>();
          for (const w of words) {
            const padded = `<${w}>`;
            const i = t.find(padded, 1, padded.length - 1, true);
            if (!m.has(w)) m.set(w, m.size);
            expect(i).toBe(m.get(w));
          }
          expect(t.keys).toEqual([...m.keys()]);
        },
      ),
      { numRuns: 30 },
    );
  });
});
