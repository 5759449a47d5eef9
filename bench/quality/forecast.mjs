// quality.forecast.rmse: Mauna Loa monthly CO2 (gaps filled), the last 10 years held out; RMSE of
// 12-month-ahead forecasts from every held-out origin, beside the seasonal-naive forecast (same
// month last year plus last year's trend) from the same origins. Bar: rmse < baseline_rmse.
import { co2 } from '@rnnkit/datasets';
import { forecasting } from '@rnnkit/tasks';
import { BUDGET_S, bench, hooks, init, seconds } from './common.mjs';
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
const f = await forecasting.train(train, { season: 12, timeBudgetSeconds: BUDGET_S }, hooks());
const trainS = seconds(t0);
const m = f.evaluate(test, { steps: H });
if (m.origins !== n) throw new Error(`origins differ: ${m.origins} vs ${n}`);
bench('forecast.rmse', m.rmse, 'ppm');
bench('forecast.baseline_rmse', baseline, 'ppm');
bench('forecast.train_seconds', Number(trainS), 's');
console.error(`# ${n} origins; bar: rmse < baseline: ${m.rmse < baseline ? 'met' : 'NOT met'}`);
await weightDeltas('forecast', f, (t) => t.evaluate(test, { steps: H }).rmse);
f.dispose();
