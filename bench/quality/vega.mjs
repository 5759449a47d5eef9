// The vendored vega-datasets tables (see data/README.md): the 14 unemployment series and Seattle's
// daily highs.
import { readFileSync } from 'node:fs';

const dir = new URL('./data/', import.meta.url);

function rows(file) {
  const [head, ...lines] = readFileSync(new URL(file, dir), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

/** Unemployment rate (%) by industry, monthly from 2000-01 to 2010-02: { [series]: number[] }. */
export function unemployment() {
  const by = {};
  for (const r of rows('unemployment-across-industries.csv')) {
    (by[r.series] ??= []).push(Number(r.rate));
  }
  return by;
}

/** Seattle's daily maximum temperature (deg C), 2012-01-01 to 2015-12-31. */
export function seattleHighs() {
  return rows('seattle-weather-temp-max.csv').map((r) => Number(r.temp_max));
}
