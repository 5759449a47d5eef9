/**
 * Mauna Loa monthly atmospheric CO2 (the Keeling curve), 1958-03 to 2020-04, for forecasting.
 *
 * - Source: `data/co2-concentration.csv` of `vega-datasets@3.2.1`, vendored unchanged in this
 *   package as `data/co2-concentration.csv` (18 547 bytes; `co2-concentration.SOURCE.md` beside
 *   it says where from and how to regenerate it); no network.
 * - Original: Scripps CO2 Program, C. D. Keeling et al., Scripps Institution of Oceanography;
 *   https://scrippsco2.ucsd.edu/data/atmospheric_co2/primary_mlo_co2_record
 * - Licence: data CC BY 4.0 (Scripps; cite it); vega-datasets is BSD-3-Clause.
 * - Size: 741 months; columns `Date` (YYYY-MM-01), `CO2` (ppm) and `adjusted CO2` (seasonally
 *   adjusted ppm). CO2 runs from 313.21 to 416.18 ppm;
 *   the last row is `2020-04-01,416.18,413.35`.
 * - Quirks: 5 months have no measurement and no row: 1958-06, 1958-10, 1964-02, 1964-03, 1964-04
 *   (listed in `gaps`). Windows over the rows assume one month per step, so `fillGaps: true`
 *   inserts those months with values interpolated linearly between their neighbours (746 regular
 *   months, the inserted dates listed in `filled`). All gaps are before 1965, so a held-out last
 *   10 years is the same either way.
 *
 * @example
 * ```ts
 * import { co2 } from '@rnnkit/datasets';
 * const { data } = await co2();
 * [data.dates.length, data.dates[0], data.values[0], data.adjusted[0]];
 * // [741, '1958-03-01', 315.7, 314.44]
 * data.gaps; // ['1958-06-01', '1958-10-01', '1964-02-01', '1964-03-01', '1964-04-01']
 * (await co2({ fillGaps: true })).data.values.length; // 746
 * ```
 */

import { fromCsvFile } from './csv.js';
import type { Dataset } from './dataset.js';
import { unexpectedData } from './package-files.js';

/** A monthly series: `dates[i]` is the month of `values[i]` and `adjusted[i]`. */
export interface MonthlySeries {
  /** First day of each month, `YYYY-MM-01`, increasing. */
  dates: string[];
  /** Monthly mean CO2 in ppm: the column to forecast. [time] */
  values: Float64Array;
  /** Seasonally adjusted CO2 in ppm (the file's `adjusted CO2`). [time] */
  adjusted: Float64Array;
  /** Months between the first and last that the file has no row for. */
  gaps: string[];
  /** Months inserted by `fillGaps: true` (empty otherwise). */
  filled: string[];
}

/** Options of `co2`. */
export interface Co2Options {
  /** Insert the 5 missing months, linearly interpolated, for a regular monthly series. Default false. */
  fillGaps?: boolean;
}

/** The vendored CSV, found from `src/` (tests) and `dist/` (the package) alike. */
const CSV = new URL('../data/co2-concentration.csv', import.meta.url);

/** Loads the monthly CO2 series (see the module documentation for source, licence and quirks). */
export async function co2(options: Co2Options = {}): Promise<Dataset<MonthlySeries>> {
  const table = await fromCsvFile(CSV, {
    columns: ['Date', 'CO2', 'adjusted CO2'],
    types: { Date: 'date', CO2: 'number', 'adjusted CO2': 'number' },
  });
  let dates = table.strings('Date');
  let values = table.numbers('CO2');
  let adjusted = table.numbers('adjusted CO2');
  const gaps: string[] = [];
  const month = dates.map((d, i) => {
    const m = /^(\d{4})-(\d{2})-01$/.exec(d);
    if (m === null)
      throw unexpectedData(
        'co2-concentration.csv',
        'the vendored file',
        `row ${i + 1} to be a YYYY-MM-01 date`,
        d,
      );
    return Number(m[1]) * 12 + Number(m[2]) - 1; // months since year 0
  });
  for (let i = 1; i < month.length; i++) {
    if (month[i]! <= month[i - 1]!) {
      throw unexpectedData(
        'co2-concentration.csv',
        'the vendored file',
        'increasing months',
        `${dates[i - 1]} then ${dates[i]}`,
      );
    }
    for (let m = month[i - 1]! + 1; m < month[i]!; m++) gaps.push(monthDate(m));
  }
  let filled: string[] = [];
  if (options.fillGaps === true && gaps.length > 0) {
    const first = month[0]!;
    const n = month[month.length - 1]! - first + 1;
    const v = new Float64Array(n);
    const a = new Float64Array(n);
    const d: string[] = [];
    for (let i = 0; i < month.length; i++) {
      const k = month[i]! - first;
      v[k] = values[i]!;
      a[k] = adjusted[i]!;
      const next = month[i + 1];
      if (next === undefined) continue;
      // Months strictly between two rows: straight line from this row to the next.
      const span = next - month[i]!;
      for (let j = 1; j < span; j++) {
        const t = j / span;
        v[k + j] = values[i]! + t * (values[i + 1]! - values[i]!);
        a[k + j] = adjusted[i]! + t * (adjusted[i + 1]! - adjusted[i]!);
      }
    }
    for (let k = 0; k < n; k++) d.push(monthDate(first + k));
    dates = d;
    values = v;
    adjusted = a;
    filled = gaps;
  }
  return {
    name: 'co2',
    description: 'Mauna Loa Observatory monthly mean atmospheric CO2 (ppm), 1958-03 to 2020-04',
    source: '@rnnkit/datasets data/co2-concentration.csv (vendored from vega-datasets@3.2.1)',
    url: 'https://scrippsco2.ucsd.edu/data/atmospheric_co2/primary_mlo_co2_record',
    licence: 'CC BY 4.0 (Scripps CO2 Program, Keeling et al.); vega-datasets: BSD-3-Clause',
    size: dates.length,
    data: { dates, values, adjusted, gaps: [...gaps], filled: [...filled] },
  };
}

function monthDate(m: number): string {
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`;
}
