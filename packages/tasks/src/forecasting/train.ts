/**
 * Training a forecaster: the series cut chronologically into a training part and a validation
 * end, the scaler fit on the training part only, and after every epoch the validation error in the
 * data's units (`rmse`, `mae`: the forecasts of the next `horizon` values from every validation
 * origin, made as `forecast()` makes them), kept in the model's metrics.
 *
 * @example
 * ```ts
 * const f = await trainForecasting(values, { season: 12 });
 * // forecast: cell lstm, units 32, seqLength 36, epochs 100, horizon 1, normalize window (defaults for 626 time steps)
 * f.metrics; // { validationRmse: 0.41, validationMae: 0.32, validationOrigins: 62, ... }
 * ```
 */
import { manyToOne } from '@rnnkit/models';
import type { LossFn } from '@rnnkit/training';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { announce, runTraining, type TaskHooks } from '../common.js';
import { TaskError } from '../errors.js';
import { headLoss, medianIndex, outerPinballLoss } from './intervals.js';
import {
  type ForecastingOptions,
  type ForecastingResolved,
  forecastingDefaults,
  lagOf,
  type ManySeries,
  type SeriesData,
} from './options.js';
import { builderArgs, type Forecaster, forecaster, rollingErrors } from './predict.js';
import { columnsOf, manyOf, seriesState, windows, windowsOf } from './windows.js';

/**
 * The windows a forecaster trains on (x [n, seqLength, F], y [n, horizon], scaled, and with
 * `normalize: 'window'` taken relative to each window's level, the mean of its target) and validates
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

/**
 * Trains a forecaster on a series, or one global model on many series (a list of series, or
 * series by id: each scaled by itself, windows drawn across all of them); the held-out part stays
 * out: pass it to `evaluate`. A quantile head with 0.5 among its quantiles is trained in two
 * stages: the point model (squared error, as without intervals), then the quantile model made
 * from it (each step's point copied to every quantile's column, the 0.5 one being the point) whose
 * other quantiles alone learn, by the pinball loss, with every layer but the head frozen.
 */
export async function trainForecasting(
  data: SeriesData | ManySeries,
  options: ForecastingOptions = {},
  hooks: TaskHooks = {},
): Promise<Forecaster> {
  const many = manyOf(data);
  const ids = many?.ids ?? null;
  const all = many
    ? many.series.map((v, i) => columnsOf(v, `series ${JSON.stringify(ids![i])}`))
    : [columnsOf(data as SeriesData, 'forecasting data')];
  if (all.length === 0) {
    throw new TaskError('BAD_DATA', 'no series given: give at least one series of numbers');
  }
  const total = all.reduce((a, s) => a + s.values.length, 0);
  const shortest = Math.min(...all.map((s) => s.values.length));
  const { resolved: o, line } = forecastingDefaults(
    total,
    options,
    ids ? { count: ids.length, shortest } : undefined,
  );
  if (o.transform === 'seasonal' && o.season === null) {
    throw new TaskError(
      'BAD_OPTION',
      "transform 'seasonal' needs the season length: give season, e.g. season: 12 for monthly data",
    );
  }
  const first = lagOf(o); // first step with a target
  const need = first + o.seqLength + o.horizon;
  all.forEach(({ values, covariates }, i) => {
    if (values.length < need + 1) {
      throw new TaskError(
        'BAD_DATA',
        `${ids ? `series ${JSON.stringify(ids[i])}` : 'the series'} has ${values.length} values, but seqLength ${o.seqLength} + horizon ${o.horizon}${first ? ` + ${first} (differences)` : ''} needs more than ${need}: lower seqLength or give a longer series`,
      );
    }
    if (ids && covariates.length > 0) {
      throw new TaskError(
        'BAD_DATA',
        'many series take no covariates: give each series as values only',
      );
    }
  });
  announce(hooks, line, { ...o });
  const E = ids && o.seriesEmbedding ? ids.length : 0;
  const oneHot = (i: number) => Array.from({ length: E }, (_, k) => (k === i ? 1 : 0));
  // chronological per series: train on steps [0, cut), validate on windows whose targets lie in
  // [cut, n); each series scaled by its own training part
  const parts = all.map((series, i) => {
    const { values, covariates } = series;
    const nVal = Math.floor(o.validationShare * values.length);
    const cut = values.length - nVal;
    const state = seriesState(values, covariates, cut, o);
    const valFrom = Math.max(first + o.seqLength, cut);
    return { series, nVal, cut, state, valFrom, extra: oneHot(i) };
  });
  const train = windowsOf(
    parts.map((p) => ({
      ...p.series,
      from: first + o.seqLength,
      to: p.cut - o.horizon + 1,
      state: p.state,
      extra: p.extra,
    })),
    o,
  );
  const validated = parts.filter((p) => p.nVal >= o.horizon);
  const val = windowsOf(
    validated.map((p) => ({
      ...p.series,
      from: p.valFrom,
      to: p.series.values.length - o.horizon + 1,
      state: p.state,
      extra: p.extra,
    })),
    o,
  );
  if (!train) {
    tf.dispose(val ? [val.x, val.y] : []);
    throw new TaskError(
      'BAD_DATA',
      `no training window fits before the validation part (${parts[0]!.cut} values): lower validationShare or seqLength`,
    );
  }
  const features = 1 + all[0]!.covariates.length + E;
  const m = o.intervals === 'quantile' ? medianIndex(o.quantiles) : -1;
  // quantiles around a point: the point model first, trained exactly as intervals 'none' trains it
  const po: ForecastingResolved = m < 0 ? o : { ...o, intervals: 'none' };
  const { model: pointModel } = manyToOne(builderArgs(po, features));
  /** Validation errors in the data's units, of the weights `net` has now. */
  const validationErrors = (net: tfl.LayersModel, ro: ForecastingResolved) =>
    rollingErrors(
      net,
      ro,
      validated.map((p) => ({
        series: p.series,
        start: p.valFrom,
        state: p.state,
        extra: p.extra,
      })),
      o.horizon,
    );
  const fit = (
    net: tfl.LayersModel,
    ro: ForecastingResolved,
    loss: LossFn | 'meanSquaredError',
    h: TaskHooks,
    name: string,
  ) =>
    runTraining(
      name,
      net,
      train,
      { loss, common: o, ...(val ? { validation: val, patience: o.patience } : {}) },
      {
        ...h,
        onEvent: (e) => {
          if (e.type === 'validation') {
            const v = validationErrors(net, ro);
            e.result.metrics['rmse'] = v.rmseAll;
            e.result.metrics['mae'] = v.maeAll;
          }
          h.onEvent?.(e);
        },
      },
    );
  let model = pointModel;
  let pointAlive = true;
  try {
    await fit(pointModel, po, headLoss(po.intervals, po.quantiles), hooks, 'forecast');
    if (m >= 0) {
      model = manyToOne(builderArgs(o, features)).model;
      aroundPoint(pointModel, model, o.quantiles.length);
      pointModel.dispose();
      pointAlive = false;
      const { checkpoint: _, ...bandHooks } = hooks;
      const trainable = model.layers.map((l) => l.trainable);
      const head = model.layers.filter((l) => l.weights.length > 0).at(-1);
      model.layers.forEach((l) => {
        l.trainable = l === head;
      });
      try {
        await fit(model, o, outerPinballLoss(o.quantiles, m), bandHooks, 'forecast (band)');
      } finally {
        model.layers.forEach((l, i) => {
          l.trainable = trainable[i]!;
        });
      }
    }
  } catch (err) {
    model.dispose();
    if (model !== pointModel && pointAlive) pointModel.dispose();
    throw err;
  } finally {
    tf.dispose([train.x, train.y, ...(val ? [val.x, val.y] : [])]);
  }
  const f = forecaster(model, o, { ids, states: parts.map((p) => p.state) }, {});
  if (val) {
    // the weights kept (the best epoch's, with early stopping), in the data's units
    const v = validationErrors(model, o);
    f.metrics = {
      validationRmse: v.rmseAll,
      validationMae: v.maeAll,
      validationOrigins: v.origins,
      validationFrom: parts[0]!.valFrom,
    };
  }
  return f;
}

/**
 * Starts the quantile model `net` from a trained point model: every weight copied, and the head's
 * column of each step's point copied to each of its Q quantiles' columns (output [h * Q + k]), so
 * every quantile starts at the point.
 */
function aroundPoint(point: tfl.LayersModel, net: tfl.LayersModel, Q: number): void {
  const ws = point.getWeights().map((w, i) => {
    const want = net.weights[i]!.shape as number[];
    if (w.shape.every((d, j) => d === want[j])) return w.clone();
    // [..., H] -> [..., H * Q]: each value repeated Q times along the last axis
    const from = w.dataSync();
    const to = new Float32Array(from.length * Q);
    to.forEach((_, j) => {
      to[j] = from[Math.floor(j / Q)]!;
    });
    return tf.tensor(to, want);
  });
  net.setWeights(ws);
  tf.dispose(ws);
}
