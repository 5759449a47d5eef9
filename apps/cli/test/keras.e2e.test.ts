/**
 * Live, end to end: a character LSTM trained by Keras 3 (packages/interop/scripts/keras_fixtures.py
 * charlm: Embedding -> LSTM -> Dense softmax), `rnnkit import` with its chars as the vocab, then
 * `rnnkit generate` greedily gives the same 200 characters as Keras's own loop; `rnnkit export
 * --format keras` and importing that again gives them too. And Keras-trained task models (the
 * script's `tasks`: forecasters and classifiers) brought in with `rnnkit import --task forecasting
 * | classification` and what the user supplies (the scaler JSON and the series CSV;
 * TextVectorization's vocabulary and the labels): `rnnkit forecast` and `rnnkit predict` give
 * Keras's own task predictions within 1e-5. Needs the pinned Python of scripts/python-env.mjs
 * (created when missing; skipped, saying so, only without python3).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePythonEnv } from '../../../scripts/python-env.mjs';
import { runCli, STACK_LINE } from './run-cli.js';

const py = ensurePythonEnv() as string | null;
if (py === null) process.stderr.write('keras e2e skipped: no python3 on this machine\n');
const SCRIPT = fileURLToPath(
  new URL('../../../packages/interop/scripts/keras_fixtures.py', import.meta.url),
);
const work = mkdtempSync(join(tmpdir(), 'rnnkit-keras-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rnnkit = (...args: string[]) => runCli(work, args);

function ok(r: ReturnType<typeof runCli>): string {
  expect(r.stderr.match(STACK_LINE), r.stderr).toBeNull();
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe.skipIf(py === null)('rnnkit import / generate / export of a Keras char LSTM', () => {
  it('generates Keras greedy text for 200 characters, before and after a Keras round trip', () => {
    const made = spawnSync(py!, [SCRIPT, 'charlm', work], {
      encoding: 'utf8',
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '' },
    });
    expect(made.status, made.stderr.slice(-3000)).toBe(0);
    const keras = JSON.parse(readFileSync(join(work, 'greedy.json'), 'utf8')) as {
      prime: string;
      text: string;
    };
    expect(keras.text.length).toBe(keras.prime.length + 200);
    const greedy = (dir: string) =>
      ok(rnnkit('generate', dir, '--prime', keras.prime, '--length', '200', '--top-k', '1'));

    ok(
      rnnkit(
        'import',
        'char_lstm.keras',
        '--out',
        'lm',
        '--task',
        'text-generation',
        '--vocab',
        'chars.json',
      ),
    );
    expect(greedy('lm')).toBe(`${keras.text}\n`);

    ok(rnnkit('export', 'lm', '--format', 'keras', '--out', 'back.keras'));
    expect(existsSync(join(work, 'back.keras'))).toBe(true);
    ok(
      rnnkit(
        'import',
        'back.keras',
        '--out',
        'lm2',
        '--task',
        'text-generation',
        '--vocab',
        'chars.json',
      ),
    );
    expect(greedy('lm2')).toBe(`${keras.text}\n`);
  }, 600_000);

  it('refuses a file that is not a Keras model in one line, writing nothing', () => {
    const r = rnnkit('import', 'chars.json', '--out', 'nothing', '--format', 'keras');
    expect(r.code).not.toBe(0);
    expect(r.stderr.match(STACK_LINE)).toBeNull();
    expect(r.stderr).toMatch(/neither a \.keras archive/);
    expect(existsSync(join(work, 'nothing'))).toBe(false);
  });
});

const TOL = 1e-5;

interface Made {
  held_out: string[];
  tasks: Record<
    string,
    { scaler?: unknown; forecast?: number[]; labels?: string[]; probabilities?: number[][] }
  >;
}

/** rnnkit import NAME.keras --out NAME --task TASK ...flags, which must succeed. */
const importAs = (name: string, task: string, ...flags: string[]) =>
  ok(rnnkit('import', `${name}.keras`, '--out', name, '--task', task, ...flags));

const maxAbsDiff = (a: readonly number[], b: readonly number[]) => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
};

describe.skipIf(py === null)('rnnkit import --task of Keras-trained task models', () => {
  let made: Made;
  beforeAll(() => {
    const r = spawnSync(py!, [SCRIPT, 'tasks', work], {
      encoding: 'utf8',
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '' },
    });
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    made = JSON.parse(readFileSync(join(work, 'tasks.json'), 'utf8')) as Made;
  }, 600_000);

  it('rnnkit forecast gives Keras 12-step forecasts (z-scores; min-max of seasonal differences)', () => {
    const runs: [string, string[]][] = [
      ['forecaster_z', []],
      ['forecaster_mm', ['--seq-length', '8', '--season', '12']],
    ];
    for (const [name, extra] of runs) {
      const k = made.tasks[name]!;
      writeFileSync(join(work, `${name}.scaler.json`), JSON.stringify(k.scaler));
      importAs(
        name,
        'forecasting',
        '--scaler',
        `${name}.scaler.json`,
        '--data',
        'series.csv',
        ...extra,
      );
      const out = JSON.parse(ok(rnnkit('forecast', name, '--steps', '12', '--json'))) as {
        forecast: number[];
      };
      expect(maxAbsDiff(out.forecast, k.forecast!), name).toBeLessThanOrEqual(TOL);
    }
    // predict prints the model's horizon (3 steps for forecaster_mm), the forecast's first values
    const first = JSON.parse(ok(rnnkit('predict', 'forecaster_mm', '--json'))) as {
      forecast: number[];
    };
    const k = made.tasks['forecaster_mm']!.forecast!;
    expect(maxAbsDiff(first.forecast, k.slice(0, 3))).toBeLessThanOrEqual(TOL);
  }, 300_000);

  it('rnnkit predict gives Keras labels and probabilities (softmax head; one-unit sigmoid)', () => {
    for (const name of ['classifier_softmax', 'classifier_sigmoid']) {
      const k = made.tasks[name]!;
      importAs(name, 'classification', '--vocab', 'vocab.json', '--labels', k.labels!.join(','));
      const lines = ok(rnnkit('predict', name, '--json', ...made.held_out))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { text: string; label: string; probability: number });
      expect(lines.map((l) => l.text)).toEqual(made.held_out);
      lines.forEach((l, i) => {
        const row = k.probabilities![i]!;
        const best = Math.max(...row);
        expect(l.label, name).toBe(k.labels![row.indexOf(best)]);
        expect(Math.abs(l.probability - best), name).toBeLessThanOrEqual(TOL);
      });
    }
  }, 300_000);

  it('refuses a classifier without labels for each class in one line, writing nothing', () => {
    const r = rnnkit(
      'import',
      'classifier_softmax.keras',
      '--out',
      'nothing',
      '--task',
      'classification',
      '--vocab',
      'vocab.json',
      '--labels',
      'neg,pos',
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr.match(STACK_LINE)).toBeNull();
    expect(r.stderr).toMatch(/2 distinct labels given, but .* gives 3 classes/);
    expect(existsSync(join(work, 'nothing'))).toBe(false);
  });
});
