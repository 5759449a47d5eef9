/**
 * A trained forecaster's use: `forecast(steps)` (recursive past the horizon, each value kept within
 * the seen range widened by `rangeMargin`), rolling-origin `evaluate`, `save`, and
 * `restoreForecasting` for `loadTask`.
 *
 * @example
 * ```ts
 * const f = await forecasting.train(values, { season: 12 });
 * f.forecast(24); // Float64Array(24): the 24 values after the training series
 * f.bounds(); // [lo, hi]: the range every forecast value stays in
 * ```
 */
import type { LoadedModel, ManyToOneArgs } from '@rnnkit/models';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type SavableTask, saveAndDispose, savedConfig, stackArgs } from '../common.js';
import { checkInt, TaskError } from '../errors.js';
import { DEFAULT_QUANTILES, DEFAULT_SAMPLES, valuesPerStep } from './intervals.js';
import {
  DEFAULT_RANGE_MARGIN,
  FORECASTING,
  type ForecastingResolved,
  lagOf,
  type SeriesData,
} from './options.js';
import {
  type Band,
  bandRows,
  boundsOf,
  type ForecastErrors,
  forecastRows,
  type RangedState,
  type Row,
  rollingErrors,
} from './rows.js';
import { type Columns, columnsOf, type SeriesState, seriesState } from './windows.js';

export type { Band, ForecastErrors } from './rows.js';
export { boundsOf, rollingErrors } from './rows.js';

/** Which series: by id (many series), or a history (one series' own, or a new series). */
export interface SeriesArgs {
  /** The id of one of the series the model was trained on (many series). */
  id?: string;
  /**
   * The series to continue (at least seqLength + lag values). Default: the tail of the training
   * series, kept in the artifact.
   */
  history?: SeriesData;
}

export interface ForecastArgs extends SeriesArgs {
  /** Covariate values for the forecast steps, one array per covariate, `steps` long. */
  futureCovariates?: readonly ArrayLike<number>[];
  /** Seed of a band's sampled paths. Default: the options' seed. */
  seed?: number;
}

/** What the model was trained on: where its series began and ended, and its range. */
export interface TrainedSeries {
  /** Length of the training series (validation part included); null in older artifacts. */
  steps: number | null;
  /** Its first and last seqLength + lag values. */
  head: readonly number[] | null;
  tail: readonly number[];
  /** Its smallest and largest value. */
  min: number;
  max: number;
}

export interface Forecaster extends SavableTask {
  readonly task: typeof FORECASTING;
  readonly options: ForecastingResolved;
  readonly model: tfl.LayersModel;
  /**
   * The last seqLength + lag values of the training series (lag: 1 when differencing, the season
   * when seasonal, else 0), where `forecast()` starts by default; a history needs at least as many.
   */
  readonly tail: readonly number[];
  /** The ids of the series a global model was trained on; null for one series. */
  readonly ids: readonly string[] | null;
  /** The tail kept of the series `id` names (a global model), as `tail` is of one series. */
  tailOf(id: string): readonly number[];
  /** The training series' length, ends and range (for telling held-out data from training data). */
  readonly trained: TrainedSeries;
  /**
   * Rolling-origin evaluation on the values that follow the history (default: the training
   * series): from every origin (history + held-out values before it), forecast `steps` ahead.
   */
  evaluate(heldOut: SeriesData, args?: SeriesArgs & { steps?: number }): ForecastErrors;
  /** The next `steps` values after the history (recursive beyond the horizon). */
  forecast(steps: number, args?: ForecastArgs): Float64Array;
  /**
   * With intervals: the point forecast (the median, or the Gaussian's mean) and the band, each
   * step's quantiles of `samples` paths drawn from the head and fed back (seeded).
   */
  forecastBand(steps: number, args?: ForecastArgs): Band & { point: Float64Array };
  /**
   * The range [lo, hi] forecasts from `history` (default: the training tail) stay in: the range of
   * the training series and the history, widened by `rangeMargin` times its width on each side,
   * and never below 0 when none of those values is.
   */
  bounds(history?: readonly number[]): [number, number];
}

export function builderArgs(o: ForecastingResolved, features: number): ManyToOneArgs {
  return {
    ...stackArgs(o),
    input: { type: 'features', features },
    head: { type: 'regression', outputs: o.horizon * valuesPerStep(o.intervals, o.quantiles) },
  };
}

/** The state with its range (older artifacts: the range of the tail they keep). */
function withRange(state: SeriesState): RangedState {
  return {
    ...state,
    min: state.min ?? Math.min(...state.tail),
    max: state.max ?? Math.max(...state.tail),
  };
}

/** The series a forecaster knows: one (ids null) or many, with a learned id embedding or not. */
export interface KnownSeries {
  ids: string[] | null;
  states: SeriesState[];
}

export function forecaster(
  model: tfl.LayersModel,
  o: ForecastingResolved,
  known: KnownSeries,
  metrics: Record<string, number>,
): Forecaster {
  const states = known.states.map(withRange);
  const ids = known.ids;
  const state = states[0]!;
  const C = state.covariateTails.length;
  const E = ids && o.seriesEmbedding ? ids.length : 0;
  const F = 1 + C + E;
  const lag = lagOf(o);
  const need = o.seqLength + lag;
  const oneHot = (i: number | null) => Array.from({ length: E }, (_, k) => (k === i ? 1 : 0));
  /** The series a call is about: by id, the only one, or (many series) a new one, its history. */
  const which = (args: SeriesArgs, what: string): { h: Columns; row: Omit<Row, keyof Columns> } => {
    let i: number | null = ids ? null : 0;
    if (args.id !== undefined) {
      i = ids ? ids.indexOf(String(args.id)) : -1;
      if (i < 0) {
        throw new TaskError(
          'BAD_OPTION',
          ids
            ? `unknown series id ${JSON.stringify(args.id)}: the model knows ${ids.length} series (${ids
                .slice(0, 5)
                .map((x) => JSON.stringify(x))
                .join(
                  ', ',
                )}${ids.length > 5 ? ', ...' : ''}); give one of them, or a history for a new series`
            : `id ${JSON.stringify(args.id)} given, but the model was trained on one series: leave id out`,
        );
      }
    } else if (ids && !args.history) {
      throw new TaskError(
        'BAD_OPTION',
        `the model knows ${ids.length} series: give an id (e.g. id: ${JSON.stringify(ids[0])}) or the history of a new series`,
      );
    }
    const ks = i === null ? null : states[i]!;
    const h = args.history
      ? columnsOf(args.history, what)
      : { values: ks!.tail, covariates: ks!.covariateTails };
    if (h.values.length < need) {
      throw new TaskError(
        'BAD_DATA',
        `${what} has ${h.values.length} values, expected at least ${need} (seqLength ${o.seqLength} + ${lag})`,
      );
    }
    if (h.covariates.length !== C) {
      throw new TaskError(
        'BAD_DATA',
        `${what} has ${h.covariates.length} covariate(s), the model reads ${C}`,
      );
    }
    // a new series is scaled by its own history, as each training series was by its own
    const s = ks ?? withRange(seriesState(h.values, h.covariates, h.values.length, o));
    return { h, row: { state: s, extra: oneHot(i) } };
  };
  const rowFor = (steps: number, args: ForecastArgs): Row => {
    const { h, row } = which(args, 'history');
    const covs = h.covariates.map((c, k) => {
      const future = args.futureCovariates?.[k];
      if (!future || future.length < steps) {
        throw new TaskError(
          'BAD_OPTION',
          `the model reads ${h.covariates.length} covariate(s): give futureCovariates, one array of ${steps} values each`,
        );
      }
      return [...c, ...Array.from(future, Number)];
    });
    return { values: h.values, covariates: covs, ...row };
  };
  const task: Forecaster = {
    task: FORECASTING,
    options: o,
    model,
    ids,
    tail: state.tail,
    trained: {
      steps: state.steps ?? null,
      head: state.head ?? null,
      tail: state.tail,
      min: state.min,
      max: state.max,
    },
    metrics,
    tailOf(id) {
      return which({ id }, 'history').h.values;
    },
    forecast(steps, args = {}) {
      checkInt('steps', steps, 1, 'forecast(12)');
      return Float64Array.from(forecastRows(model, o, [rowFor(steps, args)], steps)[0]!);
    },
    forecastBand(steps, args = {}) {
      checkInt('steps', steps, 1, 'forecastBand(12)');
      if (o.intervals === 'none') {
        throw new TaskError(
          'BAD_OPTION',
          "this forecaster learnt points, not intervals: train it with intervals: 'quantile' or 'gaussian'",
        );
      }
      const row = rowFor(steps, args);
      const point = Float64Array.from(forecastRows(model, o, [row], steps)[0]!);
      return { point, ...bandRows(model, o, [row], steps, args.seed ?? o.seed)[0]! };
    },
    bounds(values) {
      return boundsOf(state, values ?? state.tail, o.rangeMargin);
    },
    evaluate(heldOut, args = {}) {
      const steps = checkInt('steps', args.steps ?? o.horizon, 1, 'steps: 12');
      const { h: before, row } = which(args, 'history');
      const test = columnsOf(heldOut, 'held-out data');
      if (test.covariates.length !== C) {
        throw new TaskError(
          'BAD_DATA',
          `held-out data has ${test.covariates.length} covariate(s), the model reads ${C}`,
        );
      }
      if (test.values.length < steps) {
        throw new TaskError(
          'BAD_DATA',
          `held-out data has ${test.values.length} values, expected at least steps (${steps})`,
        );
      }
      const series = {
        values: [...before.values, ...test.values],
        covariates: before.covariates.map((c, k) => [...c, ...test.covariates[k]!]),
      };
      const scored = [{ series, start: before.values.length, ...row }];
      const m = rollingErrors(model, o, scored, steps, true);
      task.metrics = { ...task.metrics, ...m, steps };
      return m;
    },
    ...saveAndDispose(model, () => ({
      task: FORECASTING,
      builder: 'manyToOne',
      args: builderArgs(o, F),
      config: {
        ...o,
        series: { ...known.states[0]! },
        ...(ids ? { many: { ids, states: known.states } } : {}),
      },
      metrics: task.metrics,
    })),
  };
  return task;
}

/** The task from a loaded artifact. */
export function restoreForecasting(loaded: LoadedModel): Forecaster {
  const config = savedConfig<ForecastingResolved & { series: SeriesState; many?: KnownSeries }>(
    loaded,
  );
  if (!config?.series?.tail) {
    throw new TaskError(
      'BAD_ARTIFACT',
      'a forecasting artifact must hold its scaling and series tail (rnnkit.json training.config.series): save it again',
    );
  }
  const { series, many, ...o } = config;
  // artifacts saved before these options existed get their defaults
  const options: ForecastingResolved = {
    ...o,
    rangeMargin: o.rangeMargin ?? DEFAULT_RANGE_MARGIN,
    intervals: o.intervals ?? 'none',
    quantiles: o.quantiles ?? [...DEFAULT_QUANTILES],
    samples: o.samples ?? DEFAULT_SAMPLES,
    seriesEmbedding: o.seriesEmbedding ?? false,
  };
  const known = many ? { ids: many.ids, states: many.states } : { ids: null, states: [series] };
  return forecaster(loaded.model, options, known, loaded.meta.training?.metrics ?? {});
}
