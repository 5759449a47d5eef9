/**
 * End-to-end: forecast intervals (`--intervals`, `--quantiles`; `forecast` prints and plots the
 * band, `--json` carries it) and a global model over a long CSV (`--id-column`, `forecast --id`,
 * a new series from `--data`), with their bad inputs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-intervals-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rnnkit = (...args: string[]) => runCli(work, args);
const TINY = ['--units', '8', '--epochs', '2', '--seq-length', '6'];

beforeAll(() => {
  const y = Array.from({ length: 80 }, (_, i) => (10 + Math.sin(i / 3) + 0.05 * i).toFixed(4));
  writeFileSync(join(work, 'series.csv'), `y\n${y.join('\n')}\n`);
  const long = ['a', 'b', 'c'].flatMap((id, k) =>
    Array.from({ length: 40 }, (_, i) => `${id},${(100 * k + Math.sin(i / 2)).toFixed(4)}`),
  );
  writeFileSync(join(work, 'stores.csv'), `store,sales\n${long.join('\n')}\n`);
  writeFileSync(join(work, 'fresh.csv'), `sales\n${y.slice(0, 30).join('\n')}\n`);
});

describe('rnnkit forecast intervals', () => {
  it('trains a quantile head; forecast prints, plots and writes as JSON the point and the 80% band', () => {
    const t = rnnkit(
      'train',
      'forecast',
      '--data',
      'series.csv',
      ...TINY,
      '--intervals',
      'quantile',
      '--quantiles',
      '0.1,0.5,0.9',
      '--out',
      'q',
    );
    expect(t.code).toBe(0);
    const r = rnnkit('forecast', 'q', '--steps', '4', '--plot', 'q.svg');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const m = line.match(/^(-?[\d.]+) {2}\[(-?[\d.]+), (-?[\d.]+)\]$/);
      expect(m).not.toBeNull();
      expect(Number(m![2])).toBeLessThanOrEqual(Number(m![3]));
    }
    const svg = readFileSync(join(work, 'q.svg'), 'utf8');
    expect(svg).toContain('band 80% lower');
    expect(svg).toContain('band 80% upper');
    const j = JSON.parse(rnnkit('forecast', 'q', '--steps', '4', '--json').stdout) as {
      forecast: number[];
      lower: number[];
      upper: number[];
      level: number;
      quantiles: Record<string, number[]>;
    };
    expect(j.forecast).toHaveLength(4);
    expect(j.level).toBeCloseTo(0.8, 9);
    expect(Object.keys(j.quantiles)).toEqual(['0.1', '0.5', '0.9']);
    expect(j.lower).toEqual(j.quantiles['0.1']);
    expect(j.upper).toEqual(j.quantiles['0.9']);
    // the printed numbers are the JSON's (seeded sampling: the same band each run)
    expect(lines[0]).toContain(`[${Number(j.lower[0]!.toPrecision(6))}`.slice(0, 4));
    // the band's median is the point forecast of the same options trained without intervals
    expect(rnnkit('train', 'forecast', '--data', 'series.csv', ...TINY, '--out', 'p').code).toBe(0);
    const p = JSON.parse(rnnkit('forecast', 'p', '--steps', '4', '--json').stdout) as {
      forecast: number[];
    };
    expect(p.forecast).toHaveLength(4);
    for (const [t, v] of j.forecast.entries()) expect(v).toBeCloseTo(p.forecast[t]!, 5);
  });

  it('refuses quantiles out of (0, 1) or not rising, and an unknown interval kind, in one line', () => {
    for (const [flag, value, message] of [
      [
        '--quantiles',
        '0.1,1.5',
        /--quantiles must be rising numbers strictly between 0 and 1 .*, got "0\.1,1\.5"$/m,
      ],
      ['--quantiles', '0.9,0.1', /--quantiles must be rising numbers .*, got "0\.9,0\.1"$/m],
      ['--intervals', 'beta', /--intervals/],
    ] as const) {
      const r = rnnkit('train', 'forecast', '--data', 'series.csv', flag, value, '--out', 'never');
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    const other = rnnkit('train', 'text', '--data', 'series.csv', '--intervals', 'quantile');
    expect(other.stderr).toMatch(/--intervals is an option of rnnkit train forecast, not of text/);
  });
});

describe('rnnkit global forecaster (--id-column)', () => {
  it('trains one model over the series of a long CSV; forecasts by --id and a new series', () => {
    const t = rnnkit(
      'train',
      'forecast',
      '--data',
      'stores.csv',
      '--id-column',
      'store',
      '--series-embedding',
      ...TINY,
      '--out',
      'g',
    );
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(/^data: .*stores\.csv \(3 series by store, sales, 120 rows\)/m);
    const b = rnnkit('forecast', 'g', '--id', 'b', '--steps', '3', '--json');
    expect(b.code).toBe(0);
    const fb = (JSON.parse(b.stdout) as { forecast: number[] }).forecast;
    // series b lives near 100, a near 0: each is forecast at its own level
    for (const v of fb) expect(Math.abs(v - 100)).toBeLessThan(5);
  });

  it('forecasts a new series from --data, and refuses an unknown --id or none, in one line', () => {
    const n = rnnkit('forecast', 'g', '--data', 'fresh.csv', '--steps', '3');
    expect(n.code).toBe(0);
    for (const v of n.stdout.trimEnd().split('\n').map(Number))
      expect(Math.abs(v - 11)).toBeLessThan(5);
    const bad = rnnkit('forecast', 'g', '--id', 'zz', '--steps', '3');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(
      /unknown series id "zz": the model knows 3 series \("a", "b", "c"\)/,
    );
    const none = rnnkit('forecast', 'g', '--steps', '3');
    expect(none.stderr).toMatch(/a global model of 3 series: choose one with --id/);
    const col = rnnkit('train', 'forecast', '--data', 'stores.csv', '--id-column', 'shop');
    expect(col.stderr).toMatch(
      /has no column "shop" \(--id-column\); the columns are store, sales/,
    );
  });
});
