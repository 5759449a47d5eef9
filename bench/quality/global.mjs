// quality.global.*: the 14 monthly unemployment-rate series of vega-datasets'
// unemployment-across-industries (2000-01 to 2010-02), the last 12 months of every series held
// out. Mean over the series of the RMSE of the 12 months forecast from the end of each training
// part, for one global model over all 14 series (per-series scaling, a learned series
// embedding), for 14 separate models sharing the same total training budget, and for the seasonal
// naive forecast (same month last year). Bar: rmse < naive_rmse and rmse < separate_rmse.
import { forecasting } from '@rnnkit/tasks';
import { BUDGET_S, bench, hooks, init, OPTIONS, seconds } from './common.mjs';
import { unemployment } from './vega.mjs';

const H = 12;
await init('global');
const all = unemployment();
const ids = Object.keys(all);
const train = Object.fromEntries(ids.map((id) => [id, all[id].slice(0, -H)]));
const test = Object.fromEntries(ids.map((id) => [id, all[id].slice(-H)]));
const rmse = (f, y) => Math.sqrt(y.reduce((a, v, i) => a + (v - f[i]) ** 2, 0) / y.length);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

const naive = mean(ids.map((id) => rmse(train[id].slice(-12), test[id])));

const options = { season: 12, ...OPTIONS };
let t0 = Date.now();
const h = hooks();
const g = await forecasting.train(
  train,
  { ...options, seriesEmbedding: true, timeBudgetSeconds: BUDGET_S },
  h,
);
const globalS = seconds(t0);
const global = mean(ids.map((id) => rmse(g.forecast(H, { id }), test[id])));
g.dispose();

t0 = Date.now();
const separate = [];
for (const id of ids) {
  const quiet = { logger: () => {} };
  const f = await forecasting.train(
    train[id],
    { ...options, timeBudgetSeconds: BUDGET_S / ids.length },
    quiet,
  );
  separate.push(rmse(f.forecast(H), test[id]));
  f.dispose();
}
const separateS = seconds(t0);

bench('global.rmse', global, '%');
bench('global.naive_rmse', naive, '%');
bench('global.separate_rmse', mean(separate), '%');
bench('global.train_seconds', Number(globalS), 's');
bench('global.separate_train_seconds', Number(separateS), 's');
h.report('global');
const met = global < naive && global < mean(separate);
console.error(
  `# ${ids.length} series; bar: rmse < naive and < separate: ${met ? 'met' : 'NOT met'}`,
);
