/**
 * End-to-end: `rnnkit train forecast` on small CSV files written here, and the CSV error cases
 * (missing column, non-numeric cell, window longer than the series, empty file).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-forecast-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rnnkit = (...args: string[]) => runCli(work, args);
const TINY = ['--units', '8', '--epochs', '2', '--seq-length', '6'];
/** A tiny forecaster of column y of series.csv. */
const trainOnY = (...more: string[]) =>
  rnnkit('train', 'forecast', '--data', 'series.csv', '--column', 'y', ...TINY, ...more);

beforeAll(() => {
  const rows = Array.from({ length: 80 }, (_, i) =>
    [i, (10 + Math.sin(i / 3) + 0.05 * i).toFixed(4), Math.cos(i / 3).toFixed(4)].join(','),
  );
  writeFileSync(join(work, 'series.csv'), `t,y,x\n${rows.join('\n')}\n`);
  writeFileSync(join(work, 'bad.csv'), 'y\n1\n2\nabc\n4\n');
  writeFileSync(join(work, 'empty.csv'), '');
  writeFileSync(join(work, 'short.csv'), 'y\n1\n2\n3\n4\n5\n');
});

describe('rnnkit train forecast', () => {
  it('trains on one CSV column with validation lines per epoch and a loss SVG of both curves', () => {
    const r = trainOnY('--out', 'f');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^data: .*series\.csv \(y, 80 rows\), 80 time steps/m);
    expect(r.stderr).toMatch(
      /^forecast: cell lstm, units 8 \(set\), seqLength 6 \(set\), epochs 2 \(set\)/m,
    );
    // the validation error in the data's units too (RMSE and MAE of the 1-step forecasts)
    const epoch = (k: number) =>
      new RegExp(
        `^epoch ${k}/2 {2}train loss \\d+\\.\\d{4} {2}val loss \\d+\\.\\d{4} {2}val rmse \\d+\\.\\d{4} {2}val mae \\d+\\.\\d{4}$`,
        'm',
      );
    expect(r.stderr).toMatch(epoch(1));
    expect(r.stderr).toMatch(epoch(2));
    // progress counts windows, not tokens
    expect(r.stderr).toMatch(/\d+ windows\/s/);
    expect(r.stderr).not.toMatch(/tokens\/s/);
    const v = r.stderr.match(
      /^validation \(values 73\.\.80, 8 forecasts of 1 step\): RMSE ([\d.]+), MAE ([\d.]+) in the data's units; forecasts stay within \[([\d.]+), ([\d.]+)\]$/m,
    );
    expect(v).not.toBeNull();
    const meta = JSON.parse(readFileSync(join(work, 'f', 'rnnkit.json'), 'utf8')) as {
      training: { metrics: Record<string, number> };
    };
    expect(Number(v![1])).toBeCloseTo(meta.training.metrics['validationRmse']!, 5);
    expect(Number(v![2])).toBeCloseTo(meta.training.metrics['validationMae']!, 5);
    const svg = readFileSync(join(work, 'f', 'loss.svg'), 'utf8');
    expect(svg).toContain('validation');
    const i = rnnkit('inspect', 'f');
    expect(i.stdout).toMatch(/^task {8}forecasting$/m);
  });

  it('takes several input columns with --target, and prints JSON events', () => {
    const r = rnnkit(
      'train',
      'forecast',
      '--data',
      'series.csv',
      '--column',
      'x,y',
      '--target',
      'y',
      ...TINY,
      '--out',
      'f2',
      '--json',
    );
    expect(r.code).toBe(0);
    const events = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ type: 'data', covariates: 1, steps: 80 });
    expect(events.filter((e) => e['type'] === 'validation')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'saved' });
  });

  it.each([
    [['--column', 'z'], 'series.csv', 2, /series\.csv has no column "z"; the columns are t, y, x$/],
    [
      [],
      'series.csv',
      2,
      /series\.csv has 3 columns: choose the series with --column <name>; the columns are t, y, x$/,
    ],
    [
      ['--column', 'x,y'],
      'series.csv',
      2,
      /--column names 2 columns \(x, y\): add --target <name>, the one to predict$/,
    ],
    [
      [],
      'bad.csv',
      1,
      /bad\.csv: row 3 \(line 4\), column "y" holds "abc", not a number: fix that cell or remove the row$/,
    ],
    [
      ['--seq-length', '10'],
      'short.csv',
      2,
      /^rnnkit: window \(--seq-length 10\) is longer than the series \(5 values\): lower --seq-length or give a longer series$/,
    ],
    [
      [],
      'short.csv',
      1,
      /the series has 5 values, but --seq-length 12 .*: lower --seq-length or give a longer series$/,
    ],
    [[], 'empty.csv', 1, /empty\.csv is empty: give a CSV file with a header row and values$/],
    [[], 'nowhere.csv', 1, /cannot read ".*nowhere\.csv": no such file/],
  ])('%j on %s exits %i with one line', (flags, file, code, message) => {
    const r = rnnkit('train', 'forecast', '--data', file, ...flags, '--out', 'never');
    expect(r.code).toBe(code);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('rnnkit forecast, predict and eval on a forecaster', () => {
  // the model "f" of the first test above, trained on all 80 rows of series.csv
  it('continues the series for --steps values and plots history and forecast', () => {
    const r = rnnkit('forecast', 'f', '--steps', '5', '--plot', 'f.svg');
    expect(r.code).toBe(0);
    const values = r.stdout.trimEnd().split('\n').map(Number);
    expect(values).toHaveLength(5);
    for (const v of values) expect(Number.isFinite(v)).toBe(true);
    const svg = readFileSync(join(work, 'f.svg'), 'utf8');
    // without --data there are no one-step-ahead predictions: the legend does not list them
    expect(svg).toContain('forecast');
    expect(svg).toContain('actual');
    expect(svg).not.toContain('predicted');
    expect([...svg.matchAll(/<polyline /g)]).toHaveLength(2);
    // a missing folder is an error, not created
    const m = rnnkit('forecast', 'f', '--steps', '5', '--plot', 'nowhere/f.svg');
    expect(m.code).toBe(2);
    expect(m.stderr.trim()).toMatch(
      /^rnnkit: --plot .*nowhere\/f\.svg: the folder .*nowhere does not exist: create it first or give another path$/,
    );
    expect(existsSync(join(work, 'nowhere'))).toBe(false);
    const j = rnnkit('forecast', 'f', '--steps', '5', '--json');
    expect((JSON.parse(j.stdout) as { forecast: number[] }).forecast).toHaveLength(5);
  });

  it('starts from other values with --data, and predict prints the next horizon values', () => {
    const s = rnnkit('forecast', 'f', '--steps', '2', '--data', 'short.csv');
    expect(s.code).toBe(1);
    expect(s.stderr.trim().split('\n')).toHaveLength(1);
    const r = rnnkit(
      'forecast',
      'f',
      '--steps',
      '2',
      '--data',
      'series.csv',
      '--column',
      'y',
      '--plot',
      'avp.svg',
    );
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
    // actual values, the model's one-step-ahead predictions of them, and the forecast
    const svg = readFileSync(join(work, 'avp.svg'), 'utf8');
    const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map(
      (m) => m[1]!.split(' ').length,
    );
    expect(lines).toEqual([80, 80 - 7, 2]); // predicted from step seqLength + lag (6 + 1) on
    expect(svg).toContain('predicted (1 ahead)');
    const p = rnnkit('predict', 'f');
    expect(p.code).toBe(0);
    expect(p.stdout.trimEnd().split('\n')).toHaveLength(1);
    // predict and forecast print a value the same way
    const first = rnnkit('forecast', 'f', '--steps', '1');
    expect(p.stdout).toBe(first.stdout);
    expect(p.stdout.trim()).toMatch(/^-?\d+(\.\d{1,6})?$/);
  });

  it('eval prints the RMSE of the forecasts on the values that follow', () => {
    const next = Array.from({ length: 20 }, (_, k) =>
      (10 + Math.sin((80 + k) / 3) + 0.05 * (80 + k)).toFixed(4),
    );
    writeFileSync(join(work, 'next.csv'), `y\n${next.join('\n')}\n`);
    const r = rnnkit('eval', 'f', '--data', 'next.csv', '--steps', '2');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^scoring all 20 values of .*next\.csv .* as the values that follow the training series/m,
    );
    expect(r.stdout.trim()).toMatch(
      /^rmse \d+\.\d{4} {2}rmseAll \d+\.\d{4} {2}maeAll \d+\.\d{4} {2}origins 19 {2}steps 2 {2}from 1 {2}to 20$/,
    );
  });

  it('eval refuses the training file itself, and scores it in-sample only when told, with a warning', () => {
    const r = rnnkit('eval', 'f', '--data', 'series.csv', '--column', 'y', '--steps', '2');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(
      /^rnnkit: .*series\.csv .* overlaps the model's training series \(it ends with the last 7 values of the training series\): nothing after training to score; .* or --allow-overlap for an in-sample score$/,
    );
    const a = rnnkit('eval', 'f', '--data', 'series.csv', '--column', 'y', '--allow-overlap');
    expect(a.code).toBe(0);
    expect(a.stderr).toMatch(/^warning: scoring values 8\.\.80 of .* in-sample .*flattering$/m);
    expect(a.stdout.trim()).toMatch(/origins 73 {2}steps 1 {2}from 8 {2}to 80$/);
  });

  it('takes the forecasting options as flags and as inline --config JSON, for forecast only', () => {
    const r = trainOnY(
      '--config',
      '{"horizon":2,"transform":"none"}',
      '--season',
      '4',
      '--dropout',
      '0.1',
      '--time-budget',
      '10m',
      '--range-margin',
      '0.5',
      '--out',
      'g',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /horizon 2 \(set\), normalize series \(defaults for 80 time steps\)$/m,
    );
    const meta = JSON.parse(readFileSync(join(work, 'g', 'rnnkit.json'), 'utf8')) as {
      training: { config: Record<string, unknown> };
    };
    expect(meta.training.config).toMatchObject({
      horizon: 2,
      transform: 'none',
      season: 4,
      dropout: 0.1,
      timeBudgetSeconds: 600,
      rangeMargin: 0.5,
    });
    expect(rnnkit('predict', 'g').stdout.trimEnd().split('\n')).toHaveLength(2);
    const t = rnnkit('train', 'text', '--data', 'series.csv', '--season', '12', '--out', 'never');
    expect(t.code).toBe(2);
    expect(t.stderr.trim()).toBe(
      'rnnkit: --season is an option of rnnkit train forecast, not of text',
    );
    const d = rnnkit('train', 'forecast', '--data', 'series.csv', '--time-budget', 'soon');
    expect(d.code).toBe(2);
    expect(d.stderr.trim()).toMatch(/--time-budget must be a duration such as 90s, 10m or 1h30m/);
  });
});
