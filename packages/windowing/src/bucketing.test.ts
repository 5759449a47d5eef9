import { describe, expect, it } from 'vitest';
import { bucketBatches } from './bucketing.js';
import { throwsCode } from './test-helpers.js';

describe('bucketBatches', () => {
  const seqs = [[1], [1, 2, 3, 4], [1, 2], [1, 2, 3, 4, 5], [1, 2, 3]];

  it('sorts by length and pads each batch only to its longest (module example)', () => {
    const got = [...bucketBatches(seqs, { batchSize: 2 })];
    expect(got.map((b) => b.shapes.x)).toEqual([
      [2, 2],
      [2, 4],
      [1, 5],
    ]);
    expect(got.map((b) => Array.from(b.indices))).toEqual([[0, 2], [4, 1], [3]]);
    expect(Array.from(got[0]!.x)).toEqual([1, 0, 1, 2]); // 'post' padding by default
    expect(Array.from(got[0]!.mask)).toEqual([1, 0, 1, 1]);
  });

  it('groups by boundaries, drops remainders, shuffles with a seed', () => {
    const b = bucketBatches(seqs, { batchSize: 2, boundaries: [3] });
    // bucket < 3: [0, 2]; bucket >= 3: [1, 3, 4]
    expect([...b].map((x) => Array.from(x.indices))).toEqual([[0, 2], [1, 3], [4]]);
    const dropped = bucketBatches(seqs, { batchSize: 2, boundaries: [3], dropRemainder: true });
    expect(dropped.length).toBe(2);
    expect([...dropped].length).toBe(2);
    const shuffled = bucketBatches(seqs, { batchSize: 2, shuffle: true, seed: 5 });
    const once = [...shuffled].map((x) => Array.from(x.indices));
    const again = [...bucketBatches(seqs, { batchSize: 2, shuffle: true, seed: 5 })].map((x) =>
      Array.from(x.indices),
    );
    expect(once).toEqual(again);
    expect(once.flat().sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects bad boundaries and empty input', () => {
    throwsCode(() => bucketBatches(seqs, { batchSize: 2, boundaries: [3, 2] }), 'BAD_OPTION');
    throwsCode(() => bucketBatches([], { batchSize: 2 }), 'EMPTY_INPUT');
    throwsCode(() => bucketBatches(seqs, { batchSize: 0 }), 'BAD_OPTION');
  });
});
