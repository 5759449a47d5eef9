/**
 * Training a forecaster: the series cut chronologically into a training part and a validation
 * end, the scaler fit on the training part only, and after every epoch the validation error in the
 * data's units (`rmse`, `mae`: the forecasts of the next `horizon` values from every validation
 * origin, made as `forecast()` makes them), kept in the model's metrics.
 *
 * @example
 * ```ts
 * const f = await trainForecasting(values, { season: 12 });
 * // forecast: cell lstm, units 32, seqLength 24, epochs 100, horizon 1 (defaults for 626 time steps)
 * f.metrics; // { validationRmse: 0.41, validationMae: 0.32, validationOrigins: 62, ... }
 * ```
 */
import { manyToOne } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import { announce, runTraining, type TaskHooks } from '../common.js';
import { TaskError } from '../errors.js';
import {
  type ForecastingOptions,
  type ForecastingResolved,
  forecastingDefaults,
  lagOf,
  type SeriesData,
} from './options.js';
import { builderArgs, type Forecaster, forecaster, rollingErrors } from './predict.js';
import { columnsOf, seriesState, windows } from './windows.js';

/**
 * The windows a forecaster trains on (x [n, seqLength, F], y [n, horizon], scaled) and validates
 * on, with the scaling fit on the training part: what `train` uses, and what `rnnkit export
 * --format torch --data` writes for PyTorch. The caller disposes the tensors.
 */
export function trainingWindows(
  values: readonly number[],
  covariates: readonly (readonly number[])[],
  o: ForecastingResolved,
) {
  const first = lagOf(o); // first step with a target
  const need = first + o.seqLength + o.horizon;
  if (values.length < need + 1) {
    throw new TaskError(
      'BAD_DATA',
      `the series has ${values.length} values, but seqLength ${o.seqLength} + horizon ${o.horizon}${first ? ` + ${first} (differences)` : ''} needs more than ${need}: lower seqLength or give a longer series`,
    );
  }
  // chronological: train on steps [0, cut), validate on windows whose targets lie in [cut, n)
  const nVal = Math.floor(o.validationShare * values.length);
  const cut = values.length - nVal;
  const state = seriesState(values, covariates, cut, o);
  // origin t: inputs steps [t - seqLength, t), targets [t, t + horizon)
  const train = windows(values, covariates, first + o.seqLength, cut - o.horizon + 1, o, state);
  const valFrom = Math.max(first + o.seqLength, cut);
  const val =
    nVal >= o.horizon
      ? windows(values, covariates, valFrom, values.length - o.horizon + 1, o, state)
      : null;
  if (!train) {
    tf.dispose(val ? [val.x, val.y] : []);
    throw new TaskError(
      'BAD_DATA',
      `no training window fits before the validation part (${cut} values): lower validationShare or seqLength`,
    );
  }
  return { first, cut, valFrom, state, train, val };
}

/** Trains a forecaster on a series (the held-out part stays out: pass it to `evaluate`). */
export async function trainForecasting(
  data: SeriesData,
  options: ForecastingOptions = {},
  hooks: TaskHooks = {},
): Promise<Forecaster> {
  const series = columnsOf(data, 'forecasting data');
  const { values, covariates } = series;
  const { resolved: o, line } = forecastingDefaults(values.length, options);
  if (o.transform === 'seasonal' && o.season === null) {
    throw new TaskError(
      'BAD_OPTION',
      "transform 'seasonal' needs the season length: give season, e.g. season: 12 for monthly data",
    );
  }
  const { valFrom, state, train, val } = trainingWindows(values, covariates, o);
  announce(hooks, line, { ...o });
  const { model } = manyToOne(builderArgs(o, 1 + covariates.length));
  const f = forecaster(model, o, state, {});
  /** Validation errors in the data's units, of the weights the model has now. */
  const validationErrors = () => rollingErrors(model, o, state, series, valFrom, o.horizon);
  const withUnits: TaskHooks = {
    ...hooks,
    onEvent: (e) => {
      if (e.type === 'validation') {
        const m = validationErrors();
        e.result.metrics['rmse'] = m.rmseAll;
        e.result.metrics['mae'] = m.maeAll;
      }
      hooks.onEvent?.(e);
    },
  };
  try {
    await runTraining(
      'forecast',
      model,
      train,
      {
        loss: 'meanSquaredError',
        common: o,
        ...(val ? { validation: val, patience: o.patience } : {}),
      },
      withUnits,
    );
  } finally {
    tf.dispose([train.x, train.y, ...(val ? [val.x, val.y] : [])]);
  }
  if (val) {
    // the weights kept (the best epoch's, with early stopping), in the data's units
    const m = validationErrors();
    f.metrics = {
      validationRmse: m.rmseAll,
      validationMae: m.maeAll,
      validationOrigins: m.origins,
      validationFrom: valFrom,
    };
  }
  return f;
}
