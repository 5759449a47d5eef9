/**
 * `rnnkit forecast <model> --steps N`: continues the series from the tail the model keeps
 * (recursively past the trained horizon), or from `--data` values; `--plot` writes the history and
 * the forecast as SVG.
 *
 * @example
 * ```sh
 * rnnkit forecast out/co2 --steps 3
 * # 414.2
 * # 415.0
 * # 416.1
 * ```
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { lineChart } from '@rnnkit/demo';
import type { Forecaster } from '@rnnkit/tasks';
import type { BackendChoice } from '../../backend.js';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { formatValue } from '../../util/format.js';
import { loadModelFolder } from '../../util/load-task.js';
import { readSeriesInput, type SeriesInput } from '../train/input.js';

/** The flags of `rnnkit forecast`, checked by their parsers (cli.ts). */
export interface ForecastFlags {
  steps?: number;
  /** CSV of values to start from; `-` for standard input. */
  data?: string;
  column?: string;
  target?: string;
  plot?: string;
  json?: boolean;
  backend?: BackendChoice;
}

export async function forecast(model: string, flags: ForecastFlags, io: Io): Promise<void> {
  const steps = flags.steps ?? 12;
  const { data, plot } = flags;
  // before any work: a plot that cannot be written fails at once
  if (plot !== undefined) await checkFolder(resolve(io.cwd, plot));
  const { task, backend } = await loadModelFolder(model, io, flags.backend);
  try {
    if (task.task !== 'forecasting') {
      throw new CliError(
        `${model} holds a ${task.task} model: forecast needs a forecasting model`,
        2,
      );
    }
    const f = task as Forecaster;
    const history =
      data === undefined
        ? undefined
        : await readSeriesInput(
            {
              data,
              dataset: undefined,
              column: flags.column,
              target: flags.target,
              textField: undefined,
              labelField: undefined,
            },
            io,
          );
    const values = f.forecast(
      steps,
      history ? { history: { values: history.values, covariates: history.covariates } } : undefined,
    );
    io.err(`${backend.line}\n`); // once computed: a mistake in --data stays one line
    if (flags.json) io.out(JSON.stringify({ forecast: Array.from(values) }));
    else for (const v of values) io.out(formatValue(v));
    if (plot !== undefined) {
      const path = resolve(io.cwd, plot);
      // without --data: the tail the artifact keeps (the end of the training series)
      const actual = history ? Array.from(history.values) : [...f.tail];
      const predicted = history ? oneStepAhead(f, history, f.tail.length) : [];
      const series = [
        { name: 'actual', color: '#1f77b4', points: actual.map((v, i) => [i, v] as const) },
        { name: 'predicted (1 ahead)', color: '#2ca02c', points: predicted },
        {
          name: 'forecast',
          color: '#ff7f0e',
          points: Array.from(values, (v, i) => [actual.length + i, v] as const),
        },
      ];
      const svg = lineChart({
        title: predicted.length
          ? `actual vs predicted, and ${steps} steps of forecast`
          : `the series' end and ${steps} steps of forecast`,
        xLabel: 'step',
        yLabel: 'value',
        // the legend lists what is drawn: no one-step-ahead line without --data
        series: series.filter((s) => s.points.length > 0),
      });
      await writeFileAtomic(path, svg);
      io.err(`wrote ${path}\n`);
    }
  } finally {
    task.dispose();
  }
}

/** The folder of `--plot` must exist: a typo in it is an error, not a new folder. */
async function checkFolder(path: string): Promise<void> {
  const dir = dirname(path);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) {
    throw new CliError(
      `--plot ${path}: the folder ${dir} ${info ? 'is not a folder' : 'does not exist'}: create it first or give another path`,
      2,
    );
  }
}

/** Most one-step-ahead predictions drawn: each is one call of the model. */
const MAX_PREDICTED = 400;

/**
 * The model's one-step-ahead prediction of every value of `history` it has a full window for
 * (the last MAX_PREDICTED of them), each from the true values before it: [step, predicted].
 */
function oneStepAhead(
  f: Forecaster,
  history: SeriesInput,
  window: number,
): Array<readonly [number, number]> {
  const n = history.values.length;
  const out: Array<readonly [number, number]> = [];
  for (let t = Math.max(window, n - MAX_PREDICTED); t < n; t++) {
    const past = {
      values: history.values.subarray(0, t),
      covariates: history.covariates.map((c) => c.subarray(0, t)),
    };
    const next = f.forecast(1, {
      history: past,
      ...(history.covariates.length
        ? { futureCovariates: history.covariates.map((c) => [c[t]!]) }
        : {}),
    });
    out.push([t, next[0]!] as const);
  }
  return out;
}
