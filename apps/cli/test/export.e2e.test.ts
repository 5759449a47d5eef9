/**
 * End-to-end: `rnnkit export --format onnx` on a model trained by `rnnkit train text`; the step
 * model, driven on onnxruntime-node by packages/interop/examples/onnx-generate.mjs, prints the
 * same text as `rnnkit generate` for the same seed and sampling settings.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, STACK_LINE, writeText } from './run-cli.js';

const EXAMPLE = fileURLToPath(
  new URL('../../../packages/interop/examples/onnx-generate.mjs', import.meta.url),
);
const work = mkdtempSync(join(tmpdir(), 'rnnkit-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rnnkit = (...args: string[]) => runCli(work, args);

beforeAll(() => {
  writeText(work, 'small.txt');
  const r = rnnkit(
    'train',
    'text',
    '--data',
    'small.txt',
    '--units',
    '16',
    '--layers',
    '2',
    '--epochs',
    '2',
    '--seq-length',
    '16',
    '--quiet',
    '--out',
    'lm',
  );
  expect(r.code, r.stderr).toBe(0);
});

describe('rnnkit export --format onnx', () => {
  it('writes the step model, which generates what rnnkit generate does', () => {
    const r = rnnkit('export', 'lm', '--format', 'onnx', '--step', '--out', 'lm-step.onnx');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote lm-step\.onnx \(onnx\)/);
    const settings = ['--prime', 'the ', '--length', '500', '--seed', '5', '--temperature', '0.8'];
    const want = rnnkit('generate', 'lm', ...settings);
    expect(want.code, want.stderr).toBe(0);
    const got = spawnSync(process.execPath, [EXAMPLE, join(work, 'lm-step.onnx'), ...settings], {
      encoding: 'utf8',
    });
    expect(got.status, got.stderr).toBe(0);
    expect(got.stdout).toBe(want.stdout);
    expect(want.stdout.length).toBe('the '.length + 500 + 1);
  });

  it('writes the sequence model, refuses to overwrite without --force, and replaces with it', () => {
    expect(rnnkit('export', 'lm', '--format', 'onnx', '--out', 'lm.onnx').code).toBe(0);
    const first = readFileSync(join(work, 'lm.onnx'));
    expect(first.length).toBeGreaterThan(1000);
    const again = rnnkit('export', 'lm', '--format', 'onnx', '--out', 'lm.onnx');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/lm\.onnx exists: give another --out, or --force/);
    expect(again.stderr).not.toMatch(STACK_LINE);
    expect(rnnkit('export', 'lm', '--format', 'onnx', '--out', 'lm.onnx', '--force').code).toBe(0);
  });

  it('says which formats there are, and writes nothing for a bad command line', () => {
    const r = rnnkit('export', 'lm', '--format', 'tflite', '--out', 'x.tflite');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown --format "tflite": the formats are .*onnx/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(join(work, 'x.tflite'))).toBe(false);
    const noOut = rnnkit('export', 'lm', '--format', 'onnx');
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/give --out <path>/);
  });

  it('refuses a model that does not export, before writing anything', () => {
    // a model.json whose recurrent layer uses an activation ONNX's operators cannot take
    const json = JSON.parse(readFileSync(join(work, 'lm', 'model.json'), 'utf8'));
    const text = JSON.stringify(json).replace('"activation":"tanh"', '"activation":"linear"');
    expect(text).not.toBe(JSON.stringify(json));
    rmSync(join(work, 'odd'), { recursive: true, force: true });
    cpSync(join(work, 'lm'), join(work, 'odd'), { recursive: true });
    writeFileSync(join(work, 'odd', 'model.json'), text);
    const r = rnnkit('export', 'odd', '--format', 'onnx', '--out', 'odd.onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/activation 'linear' has no exact ONNX export here/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(join(work, 'odd.onnx'))).toBe(false);
  });
});
