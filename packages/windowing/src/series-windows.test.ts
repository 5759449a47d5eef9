import { describe, expect, it } from 'vitest';
import { seriesWindows } from './series-windows.js';

describe('seriesWindows', () => {
  it("builds the tutorial's windows: x[j] = [j..j+4]/100, y[j] = (j+5)/100", () => {
    const data = Array.from({ length: 105 }, (_, j) => j / 100);
    const w = seriesWindows(data.slice(0, -1), { seqLength: 5, targets: data.slice(5) });
    expect(w.length).toBe(100);
    expect(Array.from(w.x.subarray(0, 5))).toEqual([0, 0.01, 0.02, 0.03, 0.04].map(Math.fround));
    expect(w.y?.[99]).toBeCloseTo(1.04, 6);
    expect(w.x[99 * 5 + 4]).toBeCloseTo(1.03, 6);
  });
});
