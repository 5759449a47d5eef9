/**
 * `rnnkit train forecast`: a many-to-one forecaster on a CSV column (or `--dataset co2`); the task
 * holds out the end of the series (`--val-split`) and validates on it every epoch, in the data's
 * units (RMSE and MAE of its forecasts, kept in rnnkit.json's metrics). `--hold-out n` leaves the
 * last n values out of training altogether, for `rnnkit eval` to score.
 */
import { type Forecaster, forecasting } from '@rnnkit/tasks';
import { CliError } from '../../errors.js';
import { formatValue } from '../../util/format.js';
import { readManySeriesInput, readSeriesInput } from './input.js';
import type { TrainedModel, TrainRun } from './run.js';

export async function trainForecast(run: TrainRun): Promise<TrainedModel> {
  if (run.settings.idColumn !== undefined) return trainGlobal(run, run.settings.idColumn);
  const { settings, report } = run;
  const input = await readSeriesInput(settings, run);
  const holdOut = settings.holdOut ?? 0;
  if (holdOut >= input.values.length) {
    throw new CliError(
      `--hold-out ${holdOut} leaves nothing to train on (the series has ${input.values.length} values): lower --hold-out`,
      2,
    );
  }
  const n = input.values.length - holdOut;
  const values = input.values.subarray(0, n);
  const covariates = input.covariates.map((c) => c.subarray(0, n));
  const kept = holdOut ? `, the last ${holdOut} held out (rnnkit eval scores them)` : '';
  const rest = holdOut ? ' of the rest' : '';
  report.note(
    `data: ${input.source}, ${input.values.length} time steps${kept}, the last share ${settings.valSplit}${rest} for validation; backend ${settings.backend}`,
    {
      type: 'data',
      source: input.source,
      steps: input.values.length,
      covariates: input.covariates.length,
      holdOut,
      valSplit: settings.valSplit,
      backend: settings.backend,
    },
  );
  const seqLength = settings.model.seqLength;
  if (seqLength !== undefined && seqLength >= n - 1) {
    throw new CliError(
      `window (--seq-length ${seqLength}) is longer than the series (${n} values): lower --seq-length or give a longer series`,
      2,
    );
  }
  return trainOn(run, n, covariates.length ? { values, covariates } : values);
}

/** Trains on `data` (n time steps in all) with the command line's options. */
async function trainOn(
  run: TrainRun,
  n: number,
  data: Parameters<typeof forecasting.train>[0],
): Promise<TrainedModel> {
  const { settings, report } = run;
  const options = {
    ...settings.model,
    ...settings.forecast,
    validationShare: settings.valSplit,
    progressEvery: 1,
  };
  report.setEpochs(forecasting.defaults(n, options).resolved.epochs);
  report.setRateUnit('windows');
  const f = await forecasting.train(data, options, run.hooks);
  return {
    afterTraining: () => reportValidation(run, f),
    save: (dir, options) => f.save(dir, options),
    dispose: () => f.dispose(),
  };
}

/**
 * `--id-column`: one global model over the series of a long CSV; `--hold-out n` leaves the last n
 * values of every series out.
 */
async function trainGlobal(run: TrainRun, idColumn: string): Promise<TrainedModel> {
  const { settings, report } = run;
  const input = await readManySeriesInput(settings, idColumn, run);
  const holdOut = settings.holdOut ?? 0;
  const series = input.series.map((v) => v.subarray(0, Math.max(0, v.length - holdOut)));
  const n = series.reduce((a, v) => a + v.length, 0);
  const kept = holdOut ? `, the last ${holdOut} of each held out` : '';
  report.note(
    `data: ${input.source}${kept}, the last share ${settings.valSplit} of each for validation; backend ${settings.backend}`,
    {
      type: 'data',
      source: input.source,
      series: input.ids.length,
      steps: n,
      holdOut,
      valSplit: settings.valSplit,
      backend: settings.backend,
    },
  );
  return trainOn(run, n, { series, ids: input.ids });
}

/** The validation error of the weights kept, in the data's units, and the forecasts' range. */
function reportValidation(run: TrainRun, f: Forecaster): void {
  const m = f.metrics;
  const [lo, hi] = f.bounds();
  const range = `forecasts stay within [${formatValue(lo)}, ${formatValue(hi)}]`;
  if (m['validationRmse'] === undefined) {
    run.report.note(`no validation part (--val-split 0): ${range}`, {
      type: 'bounds',
      bounds: [lo, hi],
    });
    return;
  }
  const from = m['validationFrom']!;
  const steps = f.options.horizon;
  run.report.note(
    `validation (values ${from + 1}..${f.trained.steps}, ${m['validationOrigins']} forecasts of ${steps} step${steps > 1 ? 's' : ''}): RMSE ${formatValue(m['validationRmse'])}, MAE ${formatValue(m['validationMae']!)} in the data's units; ${range}`,
    {
      type: 'validationError',
      rmse: m['validationRmse'],
      mae: m['validationMae'],
      origins: m['validationOrigins'],
      from: from + 1,
      to: f.trained.steps,
      bounds: [lo, hi],
    },
  );
}
