/**
 * Shared fixtures of the reliability suite: a scratch folder, a tiny saved model to break in
 * various ways, and the CLI run as a child process (the way users run it).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { manyToMany, save } from '@rnnkit/models';
import { charTokenizer, Vocab } from '@rnnkit/vocab';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** The cpu backend, quiet: what every test file starts with. */
export async function cpuBackend(): Promise<void> {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
}

/** One scratch folder per test file; messages show it as `<tmp>`. */
export const TMP = mkdtempSync(join(tmpdir(), 'rnnkit-reliability-'));

/** Writes `data` to `<tmp>/<name>` and returns the path. */
export function file(name: string, data: string | Uint8Array): string {
  const path = join(TMP, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return path;
}

/** A message with the scratch folder and the working directory replaced, stable across runs. */
export function normalise(message: string): string {
  return message
    .split(TMP)
    .join('<tmp>')
    .split(process.cwd())
    .join('<cwd>')
    .replace(/\s+/g, ' ')
    .trim();
}

export const VOCAB_TEXT = 'hello world, hello rnn';
export const vocab = (): Vocab =>
  Vocab.fromTexts([VOCAB_TEXT], { tokenizer: charTokenizer(), specials: ['<pad>', '<unk>'] });

const saved = new Map<string, Promise<string>>();
/**
 * A tiny char LSTM saved once per process by `save()` (its weights stored as `weights`: float32,
 * or the smaller float16 / int8); copy it before breaking it.
 */
export function savedModel(weights: 'float32' | 'float16' | 'int8' = 'float32'): Promise<string> {
  let dir = saved.get(weights);
  if (dir === undefined) {
    dir = (async () => {
      const v = vocab();
      const at = join(TMP, weights === 'float32' ? 'model-original' : `model-${weights}`);
      const { model } = manyToMany({
        cell: 'lstm',
        units: 4,
        classes: v.size,
        input: { type: 'oneHot', vocabSize: v.size },
        seed: 0,
      });
      await save(
        model,
        at,
        {
          task: 'text-generation',
          topology: { builder: 'manyToMany', args: { units: 4 } },
          vocab: v.toJSON(),
        },
        { weights },
      );
      model.dispose();
      return at;
    })();
    saved.set(weights, dir);
  }
  return dir;
}

/** A fresh copy of the saved model (stored as `weights`), `edit` applied to it; its folder. */
export async function brokenModel(
  name: string,
  edit: (dir: string) => void,
  weights: 'float32' | 'float16' | 'int8' = 'float32',
): Promise<string> {
  const dir = join(TMP, name);
  cpSync(await savedModel(weights), dir, { recursive: true });
  edit(dir);
  return dir;
}

/** model.json of a folder, edited by `f`. */
export function editModelJson(dir: string, f: (json: ModelJson) => void): void {
  const path = join(dir, 'model.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as ModelJson;
  f(json);
  writeFileSync(path, JSON.stringify(json));
}

export interface ModelJson {
  modelTopology: unknown;
  weightsManifest: {
    paths: string[];
    weights: { name: string; shape: number[]; dtype: string; quantization?: unknown }[];
  }[];
  [key: string]: unknown;
}

const require = createRequire(import.meta.url);
/** The built CLI entry (apps/cli/dist/bin.js). */
export const CLI_BIN = join(dirname(require.resolve('rnnkit/package.json')), 'dist', 'bin.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `rnnkit <args>` in `<tmp>` with a time limit (a hang fails the test, not the run). */
export function cli(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd: TMP,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rnnkit ${args.join(' ')} hung for ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
