import { describe, expect, it } from 'vitest';
import { WindowingError } from './errors.js';
import { nextTokenWindows } from './next-token.js';

describe('nextTokenWindows', () => {
  it('gives x = ids[:-1], y = ids[1:] when seqLength = n - 1 (the tutorial)', () => {
    const w = nextTokenWindows([5, 6, 7, 8], { seqLength: 3 });
    expect(w.length).toBe(1);
    expect(Array.from(w.get(0).x)).toEqual([5, 6, 7]);
    expect(Array.from(w.get(0).y)).toEqual([6, 7, 8]);
  });

  it('steps by stride', () => {
    const w = [...nextTokenWindows([0, 1, 2, 3, 4, 5, 6], { seqLength: 2, stride: 2 })];
    expect(w.map((e) => Array.from(e.x))).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  it('rejects a window longer than the sequence', () => {
    expect(() => nextTokenWindows([1, 2], { seqLength: 2 })).toThrow(WindowingError);
  });
});
