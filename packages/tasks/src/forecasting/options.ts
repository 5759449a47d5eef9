/**
 * The forecasting task's options: what a caller may set, the size-based defaults (each a named
 * constant), and `forecastingDefaults`, which checks the options and says in one line what was
 * chosen.
 *
 * @example
 * ```ts
 * forecastingDefaults(620).line;
 * // 'forecast: cell lstm, units 32, seqLength 24, epochs 100, horizon 1, normalize series (defaults for 620 time steps)'
 * forecastingDefaults(620, { season: 12 }).line;
 * // 'forecast: cell lstm, units 32, seqLength 36, epochs 100, horizon 1, normalize window (defaults for 620 time steps)'
 * ```
 */
import type { CommonTaskOptions, ResolvedCommon } from '../common.js';
import { bySize, checkTaskOptions, defaultsLine, resolveSized, sizeTiers } from '../common.js';
import { checkChoice, checkInt, checkRange } from '../errors.js';
import { TASK_TABLE } from '../task-table.js';
import {
  checkQuantiles,
  DEFAULT_QUANTILES,
  DEFAULT_SAMPLES,
  INTERVALS,
  type IntervalsKind,
} from './intervals.js';

/** The task's name in files and on the command line (its row of the task table). */
export const FORECASTING = TASK_TABLE.forecasting.name;

/** A series, or a series with covariates (each as long as the series, known in advance). */
export type SeriesData =
  | ArrayLike<number>
  | { values: ArrayLike<number>; covariates?: readonly ArrayLike<number>[] };

/**
 * Many series for one global model: a list of series (ids '0', '1', ... unless given), or series
 * by id. Each is scaled by itself; windows are drawn across all of them.
 */
export type ManySeries =
  | readonly ArrayLike<number>[]
  | { series: readonly ArrayLike<number>[]; ids?: readonly string[] }
  | Readonly<Record<string, ArrayLike<number>>>;

export const TRANSFORMS = ['difference', 'seasonal', 'none'] as const;
export const NORMALIZE = ['window', 'series'] as const;

export interface ForecastingOptions extends CommonTaskOptions {
  /** Past values the model reads. */
  seqLength?: number;
  /** Values predicted at once. Default 1. */
  horizon?: number;
  /**
   * What the model reads and predicts: first differences y_t - y_{t-1} ('difference', the default
   * without `season`), seasonal differences y_t - y_{t-season} ('seasonal', the default with
   * `season`: the year-on-year change of a monthly series), or the values, the levels ('none').
   */
  transform?: (typeof TRANSFORMS)[number];
  /**
   * Steps per season (12 for monthly data with a yearly cycle). Default: none. With a season the
   * default window covers WINDOW_SEASONS seasons where the series is long enough.
   */
  season?: number;
  /**
   * What the model's values are measured from. 'series': the (transformed) target scaled by the
   * mean and standard deviation of the training part. 'window': the same, then taken relative to
   * the mean of the window the model reads, which is added back to what it predicts (reversible
   * instance normalisation, Kim et al. 2022): the model learns the change from the recent level,
   * so a level that drifts past the training range (the yearly growth of CO2) does not pull its
   * forecasts back to the training mean. Default 'window' with the 'seasonal' transform (whose
   * year-on-year changes drift), else 'series' (first differences of a daily series are mostly
   * noise around a fixed mean, which a window's mean only blurs).
   */
  normalize?: (typeof NORMALIZE)[number];
  /** Share of the end of the training series held out for early stopping. Default 0.1. */
  validationShare?: number;
  /** Validations without improvement before stopping. Default 10. */
  patience?: number;
  /**
   * Every forecast value is kept within the range of the values seen (the training series and the
   * history it starts from), widened on each side by this share of that range's width; never below
   * 0 when no value seen was. Default 0.25: a recursive forecast cannot drift without bound.
   */
  rangeMargin?: number;
  /**
   * Forecast intervals: 'quantile' learns the `quantiles` (pinball loss, one head), 'gaussian' a
   * mean and a scale (negative log-likelihood); 'none' (the default) a point (squared error).
   * With 0.5 among the quantiles (the default ones), 'quantile' first trains the point model
   * exactly as 'none' does, then learns the other quantiles around it (pinball loss, the network
   * frozen, the head only): the band's median is the point forecast. Each of the two stages
   * trains within `timeBudgetSeconds`.
   */
  intervals?: IntervalsKind;
  /** Quantiles learnt and reported, rising, in (0, 1). Default [0.1, 0.5, 0.9]: an 80% band. */
  quantiles?: readonly number[];
  /** Sampled paths a band past the horizon is drawn from (seeded by `seed`). Default 200. */
  samples?: number;
  /**
   * Many series: a learned embedding of each series' id (a one-hot id input, which the first
   * layer's kernel maps to a learned vector). Default false: the series share one model that
   * tells them apart only by their recent values. A series forecast without an id gets none.
   */
  seriesEmbedding?: boolean;
}

/** Defaults by series length: from FORECAST_LARGE_STEPS steps `large`, from MEDIUM `medium`. */
export const FORECAST_DEFAULTS = sizeTiers({
  large: { units: 64, seqLength: 48, epochs: 30 },
  medium: { units: 32, seqLength: 24, epochs: 100 },
  small: { units: 16, seqLength: 12, epochs: 200 },
});
export const FORECAST_LARGE_STEPS = 5_000;
export const FORECAST_MEDIUM_STEPS = 200;
export const DEFAULT_HORIZON = 1;
export const DEFAULT_FORECAST_VALIDATION_SHARE = 0.1;
export const DEFAULT_FORECAST_PATIENCE = 10;
/** Forecasts stay within the seen range widened by a quarter of its width on each side. */
export const DEFAULT_RANGE_MARGIN = 0.25;
/**
 * With a season, the default window covers this many seasons (36 months of monthly data): the
 * mean of a long window of year-on-year changes is the level a forecast starts from, and a year
 * of them still moves with the weather of that year (on Mauna Loa CO2, 36 months of window beat
 * 24 for every seed tried).
 */
export const WINDOW_SEASONS = 3;
/** The seasonal window is used when the (shortest) series holds this many windows of it. */
export const SEASONAL_WINDOW_MIN_WINDOWS = 8;

export interface ForecastingResolved extends ResolvedCommon {
  seqLength: number;
  horizon: number;
  transform: (typeof TRANSFORMS)[number];
  season: number | null;
  validationShare: number;
  patience: number;
  rangeMargin: number;
  intervals: IntervalsKind;
  quantiles: number[];
  samples: number;
  seriesEmbedding: boolean;
  normalize: (typeof NORMALIZE)[number];
}

/** The task's own option names (besides `COMMON_OPTION_NAMES`). */
export const OPTION_NAMES = [
  'seqLength',
  'horizon',
  'transform',
  'season',
  'validationShare',
  'patience',
  'rangeMargin',
  'intervals',
  'quantiles',
  'samples',
  'seriesEmbedding',
  'normalize',
];

/**
 * Options with defaults for `n` time steps, and the one-line reason. Many series (`series`: how
 * many, and the shortest's length): the model's size and epochs follow all `n` steps, the window
 * (`seqLength`) the shortest series, which must hold many windows of it.
 */
export function forecastingDefaults(
  n: number,
  options: ForecastingOptions = {},
  series?: { count: number; shortest: number },
): { resolved: ForecastingResolved; line: string } {
  checkTaskOptions(FORECASTING, options, OPTION_NAMES);
  const { common } = resolveSized(
    options,
    FORECAST_DEFAULTS,
    n,
    FORECAST_LARGE_STEPS,
    FORECAST_MEDIUM_STEPS,
  );
  const shortest = series ? series.shortest : n;
  const window = defaultWindow(
    bySize(FORECAST_DEFAULTS, shortest, FORECAST_LARGE_STEPS, FORECAST_MEDIUM_STEPS).seqLength,
    shortest,
    options.season,
  );
  const transform = checkChoice(
    'transform',
    options.transform ?? (options.season === undefined ? 'difference' : 'seasonal'),
    TRANSFORMS,
  );
  const resolved: ForecastingResolved = {
    ...common,
    seqLength: checkInt('seqLength', options.seqLength ?? window, 1, 'seqLength: 24'),
    horizon: checkInt('horizon', options.horizon ?? DEFAULT_HORIZON, 1, 'horizon: 12'),
    transform,
    season:
      options.season === undefined ? null : checkInt('season', options.season, 2, 'season: 12'),
    validationShare: checkRange(
      'validationShare',
      options.validationShare ?? DEFAULT_FORECAST_VALIDATION_SHARE,
      0,
      0.5,
      'validationShare: 0.1',
    ),
    patience: checkInt(
      'patience',
      options.patience ?? DEFAULT_FORECAST_PATIENCE,
      1,
      'patience: 10',
    ),
    rangeMargin: checkRange(
      'rangeMargin',
      options.rangeMargin ?? DEFAULT_RANGE_MARGIN,
      0,
      1e6,
      'rangeMargin: 0.25',
    ),
    intervals: checkChoice('intervals', options.intervals ?? 'none', INTERVALS),
    quantiles: checkQuantiles(options.quantiles ?? [...DEFAULT_QUANTILES]),
    samples: checkInt('samples', options.samples ?? DEFAULT_SAMPLES, 2, 'samples: 200'),
    seriesEmbedding: !!options.seriesEmbedding,
    normalize: checkChoice(
      'normalize',
      options.normalize ?? (transform === 'seasonal' ? 'window' : 'series'),
      NORMALIZE,
    ),
  };
  const line = defaultsLine(
    'forecast',
    {
      cell: common.cell,
      units: common.units,
      seqLength: resolved.seqLength,
      epochs: common.epochs,
      horizon: resolved.horizon,
      normalize: resolved.normalize,
    },
    options,
    n,
    'steps',
    series ? ` in ${series.count} series, the shortest ${series.shortest}` : '',
  );
  return { resolved, line };
}

/**
 * The default window: the size tier's, or with a season WINDOW_SEASONS seasons when that is
 * longer and a series of `steps` values holds SEASONAL_WINDOW_MIN_WINDOWS windows of it.
 */
function defaultWindow(tier: number, steps: number, season: number | undefined): number {
  if (season === undefined || !Number.isInteger(season)) return tier;
  const w = WINDOW_SEASONS * season;
  return w > tier && steps >= SEASONAL_WINDOW_MIN_WINDOWS * w ? w : tier;
}

/** How far back the transform looks: 1 for differences, the season, 0 for none. */
export function lagOf(o: Pick<ForecastingResolved, 'transform' | 'season'>): number {
  return o.transform === 'difference' ? 1 : o.transform === 'seasonal' ? o.season! : 0;
}
