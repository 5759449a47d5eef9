import { describe, expect, it } from 'vitest';
import { batches } from './batches.js';
import { nextTokenWindows } from './next-token.js';
import { throwsCode } from './test-helpers.js';

const ids = Int32Array.from({ length: 30 }, (_, i) => i);
const windows = nextTokenWindows(ids, { seqLength: 2 }); // 28 windows, window k starts at k
const order = (it: Iterable<{ x: Int32Array; size: number }>) =>
  [...it].flatMap((b) => Array.from({ length: b.size }, (_, r) => b.x[r * 2]!));

describe('batches', () => {
  it('keeps source order by default, with a smaller last batch (module example)', () => {
    const w = nextTokenWindows([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { seqLength: 3 });
    const got = [...batches(w, { batchSize: 4 })];
    expect(got.map((b) => b.shapes.x)).toEqual([
      [4, 3],
      [3, 3],
    ]);
    expect(order(batches(windows, { batchSize: 5 }))).toEqual([...Array(28).keys()]);
  });

  it('drops the remainder when asked and reports length / examples', () => {
    const b = batches(windows, { batchSize: 5, dropRemainder: true });
    expect([b.length, b.examples]).toEqual([5, 25]);
    expect([...b].every((x) => x.size === 5)).toBe(true);
    expect(batches(windows, { batchSize: 5 }).length).toBe(6);
  });

  it('permutation shuffle: every example once per epoch, seeded, new order each epoch', () => {
    const b = batches(windows, { batchSize: 4, shuffle: true, seed: 9 });
    const e1 = order(b);
    const e2 = order(b);
    expect([...e1].sort((p, q) => p - q)).toEqual([...Array(28).keys()]);
    expect(e1).not.toEqual([...Array(28).keys()]);
    expect(e2).not.toEqual(e1);
    const again = batches(windows, { batchSize: 4, shuffle: true, seed: 9 });
    expect(order(again)).toEqual(e1);
  });

  it('buffer shuffle: every example once, mixing only within the buffer', () => {
    const got = order(
      batches(windows, { batchSize: 3, shuffle: 'buffer', bufferSize: 4, seed: 1 }),
    );
    expect([...got].sort((p, q) => p - q)).toEqual([...Array(28).keys()]);
    // an example can come out at most bufferSize - 1 places early
    got.forEach((k, pos) => {
      expect(k).toBeLessThanOrEqual(pos + 3);
    });
  });

  it('iterates a subset of indices, e.g. a split', () => {
    expect(order(batches(windows, { batchSize: 2, indices: [5, 1, 7] }))).toEqual([5, 1, 7]);
    throwsCode(
      () => batches(windows, { batchSize: 2, indices: [28] }),
      'OUT_OF_RANGE',
      /\[0, 28\)/,
    );
  });

  it('rejects bad options', () => {
    throwsCode(() => batches(windows, { batchSize: 0 }), 'BAD_OPTION', /batchSize/);
    throwsCode(() => batches(windows, { batchSize: 2, shuffle: 'yes' as 'buffer' }), 'BAD_OPTION');
  });
});
