/**
 * `rnnkit train forecast`: a many-to-one forecaster on a CSV column (or `--dataset co2`); the task
 * holds out the end of the series (`--val-split`) and validates on it every epoch.
 */
import { forecasting } from '@rnnkit/tasks';
import { CliError } from '../../errors.js';
import { readSeriesInput } from './input.js';
import type { TrainedModel, TrainRun } from './run.js';

export async function trainForecast(run: TrainRun): Promise<TrainedModel> {
  const { settings, report } = run;
  const input = await readSeriesInput(settings, run);
  report.note(
    `data: ${input.source}, ${input.values.length} time steps, the last share ${settings.valSplit} for validation; backend ${settings.backend}`,
    {
      type: 'data',
      source: input.source,
      steps: input.values.length,
      covariates: input.covariates.length,
      valSplit: settings.valSplit,
      backend: settings.backend,
    },
  );
  const seqLength = settings.model.seqLength;
  if (seqLength !== undefined && seqLength >= input.values.length - 1) {
    throw new CliError(
      `window (--seq-length ${seqLength}) is longer than the series (${input.values.length} values): lower --seq-length or give a longer series`,
      2,
    );
  }
  const options = { ...settings.model, validationShare: settings.valSplit, progressEvery: 1 };
  report.setEpochs(forecasting.defaults(input.values.length, options).resolved.epochs);
  const f = await forecasting.train(
    input.covariates.length ? { values: input.values, covariates: input.covariates } : input.values,
    options,
    run.hooks,
  );
  return { save: (dir) => f.save(dir), dispose: () => f.dispose() };
}
