// quality.forecast.rmse: Mauna Loa monthly CO2 (gaps filled), the last 10 years held out; RMSE of
// 12-month-ahead forecasts from every held-out origin, beside the seasonal-naive forecast (same
// month last year plus last year's trend) from the same origins. Bar: rmse < baseline_rmse and
// rmse <= 0.80 ppm.
// quality.forecast.coverage80: the same run with an 80% band (quantile head, 0.1/0.5/0.9): the
// share of the held-out values (every origin, steps 1..12) inside the band, bar 0.70-0.90, and
// median_rmse, the RMSE of its median forecast, bar: no worse than rmse. coverage80_vega: the
// band's coverage on a second series, Seattle's daily highs from vega-datasets (2012-2014 train,
// 2015 held out, 3-day-ahead forecasts).
import { co2 } from '@rnnkit/datasets';
import { forecasting } from '@rnnkit/tasks';
import { BUDGET_S, bench, hooks, init, OPTIONS, seconds } from './common.mjs';
import { seattleHighs } from './vega.mjs';
import { weightDeltas } from './weights.mjs';

const H = 12;
await init('forecast');
const values = Array.from((await co2({ fillGaps: true })).data.values);
const nTest = 120;
const train = values.slice(0, -nTest);
const test = values.slice(-nTest);

// Seasonal naive from origin t (first unseen index t, target t + H - 1): y[t-1] is the same month
// last year; last year's trend is y[t-1] - y[t-13].
const start = train.length;
let se = 0;
let n = 0;
for (let t = start; t + H <= values.length; t++) {
  const f = values[t - 1] + (values[t - 1] - values[t - 13]);
  se += (f - values[t + H - 1]) ** 2;
  n++;
}
const baseline = Math.sqrt(se / n);

const t0 = Date.now();
// monthly data with a yearly cycle: season 12 (the task then models year-on-year changes); the
// default horizon (1 step), so the 12-month forecasts are recursive
const options = { season: 12, timeBudgetSeconds: BUDGET_S, ...OPTIONS };
const f = await forecasting.train(train, options, hooks());
const trainS = seconds(t0);
const m = f.evaluate(test, { steps: H });
if (m.origins !== n) throw new Error(`origins differ: ${m.origins} vs ${n}`);
bench('forecast.rmse', m.rmse, 'ppm');
bench('forecast.baseline_rmse', baseline, 'ppm');
bench('forecast.train_seconds', Number(trainS), 's');
console.error(`# ${n} origins; bar: rmse < baseline: ${m.rmse < baseline ? 'met' : 'NOT met'}`);
await weightDeltas('forecast', f, (t) => t.evaluate(test, { steps: H }).rmse);
f.dispose();

const band = await forecasting.train(train, { ...options, intervals: 'quantile' }, hooks());
const mb = band.evaluate(test, { steps: H });
bench('forecast.coverage80', mb.coverage);
bench('forecast.median_rmse', mb.rmse, 'ppm');
band.dispose();

const highs = seattleHighs();
const nHeld = 365;
const sea = await forecasting.train(
  highs.slice(0, -nHeld),
  { intervals: 'quantile', timeBudgetSeconds: BUDGET_S, ...OPTIONS },
  hooks(),
);
const ms = sea.evaluate(highs.slice(-nHeld), { steps: 3 });
bench('forecast.coverage80_vega', ms.coverage);
bench('forecast.vega_rmse', ms.rmseAll, 'degC');
sea.dispose();
const inBar = (c) => c >= 0.7 && c <= 0.9;
console.error(
  `# bars: rmse <= 0.80 ${m.rmse <= 0.8 ? 'met' : 'NOT met'}; coverage80 in 0.70-0.90 ${inBar(mb.coverage) ? 'met' : 'NOT met'} (vega ${inBar(ms.coverage) ? 'met' : 'NOT met'}); median_rmse <= rmse ${mb.rmse <= m.rmse ? 'met' : 'NOT met'}`,
);
