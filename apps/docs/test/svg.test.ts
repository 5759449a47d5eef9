/** The demo charts' axes: round ticks within the range, labels without clipped exponents. */
import { describe, expect, it } from 'vitest';
import { lineChart, logTicks, niceTicks, tickLabel } from '../demos/svg.js';

describe('chart ticks', () => {
  it('are round numbers within the range', () => {
    expect(niceTicks(1, 1000)).toEqual([200, 400, 600, 800, 1000]);
    expect(niceTicks(4, 99)).toEqual([20, 40, 60, 80]);
    expect(niceTicks(0.0025, 1.04)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.3, 0.3)).toEqual([-0.2, 0, 0.2]);
  });

  it('are powers of ten on a log axis (with 2 and 5 times them over a short range)', () => {
    expect(logTicks(-4.2, -0.5)).toEqual([1e-4, 1e-3, 1e-2, 0.1]);
    expect(logTicks(-2.9, -1.8)).toEqual([0.002, 0.005, 0.01]);
  });

  it('label plainly, and tiny values as 1e-4', () => {
    expect(tickLabel(1000)).toBe('1000');
    expect(tickLabel(0.2)).toBe('0.2');
    expect(tickLabel(0.0001)).toBe('1e-4');
    expect(tickLabel(0)).toBe('0');
  });

  it('draw text in currentColor (the page theme) and no white background', () => {
    const svg = lineChart({
      title: 't',
      xLabel: 'epoch',
      yLabel: 'loss',
      logY: true,
      series: [
        {
          name: 'train',
          color: '#1f77b4',
          points: [
            [1, 0.5],
            [1000, 0.0001],
          ],
        },
      ],
    });
    expect(svg).toContain('fill="currentColor"');
    expect(svg).not.toContain('#fff');
    expect(svg).toContain('>1000<');
    expect(svg).toContain('>1e-4<');
  });
});
