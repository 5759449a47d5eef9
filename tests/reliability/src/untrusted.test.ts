/**
 * Loading untrusted artifacts: a model folder or a vocab file from someone else must not run
 * code, must not make the loader allocate more than the files pay for, and must not read files
 * outside the model folder.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ArtifactError, load } from '@rnnkit/models';
import { Vocab } from '@rnnkit/vocab';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { brokenModel, cpuBackend, editModelJson, savedModel, vocab } from './fixtures.js';

beforeAll(cpuBackend);

/** Loads `dir`; expects an ArtifactError with `code`, and no tensor left allocated. */
async function refused(dir: string, code: string): Promise<ArtifactError> {
  const before = tf.memory().numTensors;
  const error = await load(dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ArtifactError);
  expect((error as ArtifactError).code).toBe(code);
  expect(tf.memory().numTensors).toBe(before);
  return error as ArtifactError;
}

/** Replaces `from` by `to` in the model topology's JSON text. */
const editTopology = (dir: string, from: string, to: string) =>
  editModelJson(dir, (j) => {
    const text = JSON.stringify(j.modelTopology);
    expect(text).toContain(from);
    j.modelTopology = JSON.parse(text.replace(from, to));
  });

describe('no code from the files is evaluated', () => {
  it('a Lambda layer carrying a function body is refused, the function never runs', async () => {
    const g = globalThis as { pwned?: boolean };
    const dir = await brokenModel('lambda', (d) =>
      editTopology(
        d,
        '"class_name":"Dense"',
        '"class_name":"Lambda","function":"globalThis.pwned = true","config2":{}' + ',"_x":"Dense"',
      ),
    );
    await refused(dir, 'MALFORMED');
    expect(g.pwned).toBeUndefined();
  });

  it('a __proto__ key in model.json, rnnkit.json or a vocab pollutes no prototype', async () => {
    const dir = await brokenModel('proto', (d) => {
      for (const name of ['model.json', 'rnnkit.json']) {
        const path = join(d, name);
        const text = readFileSync(path, 'utf8');
        writeFileSync(path, text.replace('{', '{"__proto__":{"polluted":1},'));
      }
    });
    const { model } = await load(dir);
    model.dispose();
    Vocab.fromJSON(JSON.stringify(vocab().toJSON()).replace('{', '{"__proto__":{"polluted":1},'));
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });

  it('the loaders contain no eval, new Function or dynamic import of file contents', () => {
    const require = createRequire(import.meta.url);
    const dist = (pkg: string) => join(dirname(require.resolve(`${pkg}/package.json`)), 'dist');
    const files = [
      ...['load.js', 'tfjs-files.js', 'schema.js', 'file-system.js'].map((f) =>
        join(dist('@rnnkit/models'), 'artifact', f),
      ),
      ...readdirSync(dist('@rnnkit/vocab'))
        .filter((f) => f.endsWith('.js'))
        .map((f) => join(dist('@rnnkit/vocab'), f)),
    ];
    for (const f of files) {
      const code = readFileSync(f, 'utf8');
      expect(code, f).not.toMatch(/\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(/);
      // the one dynamic import is node:fs/promises, a constant
      for (const m of code.matchAll(/import\s*\(([^)]*)\)/g)) expect(m[1], f).toMatch(/specifier/);
    }
  });
});

describe('allocation is bounded by the declared shapes, checked before allocating', () => {
  it('a manifest weight of 10^12 elements: TRUNCATED, nothing allocated', async () => {
    const dir = await brokenModel('1e12', (d) =>
      editModelJson(d, (j) => {
        j.weightsManifest[0]!.weights[0]!.shape = [1_000_000, 1_000_000];
      }),
    );
    const rss = process.memoryUsage().rss;
    const e = await refused(dir, 'TRUNCATED');
    expect(e.message).toContain('4000000001136');
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 2 ** 20);
  });

  it.each([
    ['units 10^6 in a recurrent layer', '"units":4', '"units":1000000'],
    [
      'an Embedding of 10^6 x 10^6',
      '"input_dim":12,"output_dim":12',
      '"input_dim":1000000,"output_dim":1000000',
    ],
    ['units 10^12 in the Dense head', '"units":12', '"units":1000000000000'],
  ])('a topology declaring %s: WEIGHTS_MISMATCH before any layer is built', async (_, from, to) => {
    const dir = await brokenModel(`topology-${from.length}-${to.length}`, (d) =>
      editTopology(d, from, to),
    );
    const rss = process.memoryUsage().rss;
    const e = await refused(dir, 'WEIGHTS_MISMATCH');
    expect(e.message).toMatch(/refused before allocating anything/);
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 2 ** 20);
  });

  it('negative, fractional or non-numeric dims: MALFORMED', async () => {
    for (const shape of [
      [-12, -16],
      [0.5, 8],
      ['12', 16],
      [Number.MAX_SAFE_INTEGER + 2, 1],
    ]) {
      const dir = await brokenModel(`dims-${JSON.stringify(shape).length}-${shape[0]}`, (d) =>
        editModelJson(d, (j) => {
          j.weightsManifest[0]!.weights[0]!.shape = shape as number[];
        }),
      );
      await refused(dir, 'MALFORMED');
    }
  });

  it('an intact model still loads (the checks refuse nothing real)', async () => {
    const { model, vocab: v } = await load(await savedModel());
    expect(v!.size).toBe(vocab().size);
    model.dispose();
  });
});

describe('manifest paths cannot leave the model folder', () => {
  it.each([
    '../weights.bin',
    '../../../../etc/passwd',
    '/etc/passwd',
    'sub/../../weights.bin',
    '..\\weights.bin',
    'C:\\Windows\\win.ini',
  ])('%s: MALFORMED, never read', async (path) => {
    const dir = await brokenModel(`escape-${path.replace(/\W/g, '_')}`, (d) =>
      editModelJson(d, (j) => {
        j.weightsManifest[0]!.paths = [path];
      }),
    );
    const e = await refused(dir, 'MALFORMED');
    expect(e.message).toMatch(/outside its folder/);
  });
});
