// Golden numbers: `node scripts/golden-counts.mjs` (reads the vendored CSV with plain Node).
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { co2, type MonthlySeries } from './co2.js';
import type { Dataset } from './dataset.js';

let series: Dataset<MonthlySeries>;
beforeAll(async () => {
  series = await co2();
});

const GAPS = ['1958-06-01', '1958-10-01', '1964-02-01', '1964-03-01', '1964-04-01'];

describe('co2', () => {
  it('loads the 741 monthly rows of the vendored CSV', () => {
    const { data } = series;
    expect(series.size).toBe(741);
    expect([data.dates.length, data.values.length, data.adjusted.length]).toEqual([741, 741, 741]);
    expect([data.dates[0], data.values[0], data.adjusted[0]]).toEqual([
      '1958-03-01',
      315.7,
      314.44,
    ]);
    expect([data.dates[740], data.values[740], data.adjusted[740]]).toEqual([
      '2020-04-01',
      416.18,
      413.35,
    ]);
    expect(Math.min(...data.values)).toBe(313.21);
    expect(Math.max(...data.values)).toBe(416.18);
    expect(data.values).toBeInstanceOf(Float64Array);
    expect(series.licence).toContain('CC BY 4.0');
  });

  it('lists the five months without a row', () => {
    expect(series.data.gaps).toEqual(GAPS);
    expect(series.data.filled).toEqual([]);
  });

  it('fills the gaps linearly with fillGaps: true, for a regular monthly series', async () => {
    const { data, size } = await co2({ fillGaps: true });
    expect(size).toBe(746);
    expect(data.filled).toEqual(GAPS);
    expect(data.dates.slice(2, 5)).toEqual(['1958-05-01', '1958-06-01', '1958-07-01']);
    // 1958-06: halfway between 1958-05 (317.51) and 1958-07 (315.86)
    expect(data.values[3]).toBeCloseTo((317.51 + 315.86) / 2, 12);
    // Every step is one month.
    for (let i = 1; i < data.dates.length; i++) {
      const [y0, m0] = data.dates[i - 1]!.split('-').map(Number);
      const [y1, m1] = data.dates[i]!.split('-').map(Number);
      expect(y1! * 12 + m1! - (y0! * 12 + m0!)).toBe(1);
    }
    // The rows of the file are unchanged, and the last 10 years are the same as without filling.
    expect(Array.from(data.values.slice(-120))).toEqual(Array.from(series.data.values.slice(-120)));
  });

  it.skipIf(!existsSync(new URL('../dist/co2.js', import.meta.url)))(
    'finds the CSV from the built dist/ as well',
    async () => {
      const built = (await import(new URL('../dist/co2.js', import.meta.url).href)) as {
        co2: typeof co2;
      };
      expect((await built.co2()).size).toBe(741);
    },
  );
});
