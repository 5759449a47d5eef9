/**
 * Forecasting (many-to-one regression): the last `seqLength` values of a series (plus optional
 * covariates) -> the next `horizon` values. By default the model reads and predicts first
 * differences (y_t - y_{t-1}), so a trending series stays inside the range the scaler saw; with a
 * `season` it reads seasonal differences (y_t - y_{t-season}) over three seasons, each window
 * taken relative to its own mean (`normalize: 'window'`), so a growth rate that drifts past the
 * training range is followed rather than pulled back to the training mean. The
 * scaler is fit on the training part only, the validation part is the end of the training series
 * (chronological: nothing from the future leaks in). Forecasts longer than the horizon are
 * recursive: predicted values are fed back as inputs, each kept within the range of the values
 * seen widened by `rangeMargin` (a quarter of its width by default, never below 0 for a series
 * that never was), so a long forecast cannot drift without bound. The artifact keeps the series
 * tail, so a loaded forecaster continues the series with `forecast(steps)`.
 *
 * @example
 * ```ts
 * import { forecasting } from '@rnnkit/tasks';
 * const f = await forecasting.train(trainValues, { season: 12 }); // monthly CO2
 * // forecast: cell lstm, units 32, seqLength 36, epochs 100, horizon 1, normalize window (defaults for 626 time steps)
 * f.metrics.validationRmse; // RMSE of the 1-step forecasts on the validation end, in ppm
 * f.evaluate(testValues, { steps: 12 }).rmse; // 0.71 ppm: RMSE of the 12-step-ahead forecasts
 * f.forecast(24); // Float64Array(24): the 24 values after the training series
 * ```
 */
import { FORECASTING, forecastingDefaults } from './options.js';
import { trainForecasting, trainingWindows } from './train.js';

export {
  DEFAULT_QUANTILES,
  DEFAULT_SAMPLES,
  gaussianNll,
  INTERVALS,
  type IntervalsKind,
  normalQuantile,
  pinballLoss,
} from './intervals.js';
export {
  DEFAULT_FORECAST_PATIENCE,
  DEFAULT_FORECAST_VALIDATION_SHARE,
  DEFAULT_HORIZON,
  DEFAULT_RANGE_MARGIN,
  FORECAST_DEFAULTS,
  FORECAST_LARGE_STEPS,
  FORECAST_MEDIUM_STEPS,
  FORECASTING,
  type ForecastingOptions,
  type ForecastingResolved,
  forecastingDefaults,
  type ManySeries,
  NORMALIZE,
  SEASONAL_WINDOW_MIN_WINDOWS,
  type SeriesData,
  TRANSFORMS,
  WINDOW_SEASONS,
} from './options.js';
export {
  type Band,
  type ForecastArgs,
  type ForecastErrors,
  type Forecaster,
  restoreForecasting,
  type SeriesArgs,
  type TrainedSeries,
} from './predict.js';
export { trainForecasting, trainingWindows as forecastingWindows } from './train.js';

export const forecasting = {
  name: FORECASTING,
  train: trainForecasting,
  defaults: forecastingDefaults,
  /** A run's training and validation windows (see `forecastingWindows`). */
  windows: trainingWindows,
} as const;
