/**
 * The bar of issue 19 for forecasting, through the built binary: on a yearly series a user brings,
 * `rnnkit train forecast` with defaults prints its validation RMSE in the data's units, and a
 * 300-step forecast stays within the range the docs state (apps/docs/tasks/forecasting.md: the
 * training series' range widened by 0.25 of its width on each side, never below 0 for a series
 * that never was). And the docs' CO2 result, reproduced with the commands the docs give.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-forecast-range-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rnnkit = (...args: string[]) => runCli(work, args);

/**
 * Yearly sunspot-like numbers, 1700-1988 (as many years as the classic yearly series): an 11-year
 * cycle of varying height, never below 0, with noise (a seeded LCG: the same file every run).
 */
function sunspotsCsv(): { path: string; values: number[] } {
  let s = 7;
  const r = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const values = Array.from({ length: 289 }, (_, i) => {
    const height = 60 + 120 * r();
    const v = height * Math.sin((Math.PI * i) / 11) ** 2 + 8 * (r() - 0.5);
    return Number(Math.max(0, v).toFixed(1));
  });
  const rows = values.map((v, i) => `${1700 + i},${v}`);
  const path = join(work, 'sunspots.csv');
  writeFileSync(path, `year,sunspots\n${rows.join('\n')}\n`);
  return { path, values };
}

describe('a yearly series a user brings', () => {
  it('trains with defaults, prints the validation RMSE in its units, and 300 steps stay in range', () => {
    const { values } = sunspotsCsv();
    const r = rnnkit('train', 'forecast', '--data', 'sunspots.csv', '--column', 'sunspots');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^forecast: cell lstm, units 32, seqLength 24, epochs 100, horizon 1/m,
    );
    const line = r.stderr.match(
      /^validation \(values 262\.\.289, 28 forecasts of 1 step\): RMSE ([\d.]+), MAE ([\d.]+) in the data's units; forecasts stay within \[([\d.]+), ([\d.]+)\]$/m,
    );
    expect(line).not.toBeNull();
    const [rmse, mae, lo, hi] = line!.slice(1).map(Number) as [number, number, number, number];
    const meta = JSON.parse(readFileSync(join(work, 'rnnkit-model', 'rnnkit.json'), 'utf8')) as {
      training: { metrics: Record<string, number> };
    };
    expect(rmse).toBeCloseTo(meta.training.metrics['validationRmse']!, 5);
    expect(mae).toBeCloseTo(meta.training.metrics['validationMae']!, 5);
    expect(mae).toBeLessThanOrEqual(rmse);
    // in the data's units (sunspots, up to about 180), not the scaled ones: a useful model errs
    // by less than the series' spread, and more than a scaled error near 1 would say
    const min = Math.min(...values);
    const max = Math.max(...values);
    expect(rmse).toBeGreaterThan(1);
    expect(rmse).toBeLessThan(max - min);
    // the range the docs state
    const width = max - min;
    expect(lo).toBeCloseTo(Math.max(0, min - 0.25 * width), 5);
    expect(hi).toBeCloseTo(max + 0.25 * width, 5);
    const f = rnnkit('forecast', 'rnnkit-model', '--steps', '300');
    expect(f.code).toBe(0);
    const ahead = f.stdout.trimEnd().split('\n').map(Number);
    expect(ahead).toHaveLength(300);
    for (const v of ahead) {
      expect(v).toBeGreaterThanOrEqual(lo);
      expect(v).toBeLessThanOrEqual(hi);
    }
  }, 300_000);
});

describe("the docs' CO2 result", () => {
  it('is reproduced by rnnkit train forecast --season 12 --hold-out 120 and rnnkit eval', () => {
    // apps/docs/tasks/forecasting.md: RMSE 0.7116 ppm (bench/quality/forecast.mjs, WASM)
    const t = rnnkit(
      'train',
      'forecast',
      '--dataset',
      'co2',
      '--season',
      '12',
      '--hold-out',
      '120',
      '--backend',
      'wasm',
      '--out',
      'co2',
    );
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(
      /^forecast: cell lstm, units 32, seqLength 36, epochs 100, horizon 1, normalize window \(defaults for 626 time steps\)$/m,
    );
    const e = rnnkit('eval', 'co2', '--dataset', 'co2', '--steps', '12');
    expect(e.code).toBe(0);
    expect(e.stderr).toMatch(
      /^scoring values 627\.\.746 of dataset co2 \(120 values after the training series; values 1\.\.626 end with it and serve as history only\)$/m,
    );
    expect(e.stdout).toMatch(
      /^rmse 0\.7116 {2}.* {2}origins 109 {2}steps 12 {2}from 627 {2}to 746$/m,
    );
    // eval on the training range alone is refused
    const all = rnnkit('eval', 'co2', '--dataset', 'co2', '--steps', '12', '--json');
    expect(JSON.parse(all.stdout)).toMatchObject({ origins: 109, from: 627, to: 746 });
  }, 300_000);
});
