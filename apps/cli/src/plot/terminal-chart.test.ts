import { describe, expect, it } from 'vitest';
import { terminalChart } from './terminal-chart.js';

describe('terminalChart', () => {
  it('puts the highest value on the top row and the lowest on the bottom row', () => {
    const lines = terminalChart([3, 2, 1.5, 1.2, 1.1], { width: 5, height: 3 });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('3.0000 ┤*');
    expect(lines[2]).toMatch(/^1\.1000 ┤ {2}\*+$/);
  });

  it('averages long runs into the width and draws nothing for no values', () => {
    const lines = terminalChart(
      Array.from({ length: 1000 }, (_, i) => 1000 - i),
      { width: 40, height: 5 },
    );
    expect(lines.every((l) => l.length <= 40 + 12)).toBe(true);
    expect(terminalChart([])).toEqual([]);
    expect(terminalChart([NaN])).toEqual([]);
  });
});
