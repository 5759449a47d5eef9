/**
 * Live, end to end: a character LSTM trained by Keras 3 (packages/interop/scripts/keras_fixtures.py
 * charlm: Embedding -> LSTM -> Dense softmax), `rnnkit import` with its chars as the vocab, then
 * `rnnkit generate` greedily gives the same 200 characters as Keras's own loop; `rnnkit export
 * --format keras` and importing that again gives them too. Needs the pinned Python of
 * scripts/python-env.mjs (created when missing; skipped, saying so, only without python3).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
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
