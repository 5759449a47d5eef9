import { describe, expect, it } from 'vitest';
import { DEFAULT_RANGE_MARGIN, forecasting, forecastingDefaults } from './index.js';

describe('forecasting options', () => {
  it('sizes defaults by series length and rejects what does not fit', async () => {
    expect(forecastingDefaults(620).line).toBe(
      'forecast: cell lstm, units 32, seqLength 24, epochs 100, horizon 1, normalize series (defaults for 620 time steps)',
    );
    expect(forecastingDefaults(620).resolved.rangeMargin).toBe(DEFAULT_RANGE_MARGIN);
    // many series: size and epochs by all steps, the window by the shortest series
    expect(forecastingDefaults(1540, {}, { count: 14, shortest: 110 }).line).toBe(
      'forecast: cell lstm, units 32, seqLength 12, epochs 100, horizon 1, normalize series (defaults for 1540 time steps in 14 series, the shortest 110)',
    );
    expect(forecastingDefaults(620).resolved).toMatchObject({
      intervals: 'none',
      quantiles: [0.1, 0.5, 0.9],
      samples: 200,
      seriesEmbedding: false,
      normalize: 'series',
    });
    expect(() => forecastingDefaults(100, { transform: 'log' as never })).toThrow(
      "transform must be one of 'difference', 'seasonal', 'none', got \"log\"",
    );
    expect(() => forecastingDefaults(100, { rangeMargin: -1 })).toThrow(/rangeMargin/);
    await expect(forecasting.train([1, 2, 3, 4, 5], { seqLength: 4 })).rejects.toThrow(
      /lower seqLength or give a longer series/,
    );
    await expect(forecasting.train([1, 2, Number.NaN, 4, 5])).rejects.toThrow(/value 2 is NaN/);
  });
});
