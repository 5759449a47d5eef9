/**
 * Live: every topology and cell, uni- and bidirectional, stacked, through real PyTorch (the
 * pinned venv of scripts/python-env.mjs), in one Python process. rnnkit -> PyTorch: the exported
 * model.py with weights.safetensors gives rnnkit's outputs. PyTorch -> rnnkit: random weights
 * set in PyTorch (both biases non-zero) come back through importTorch with PyTorch's outputs.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livePython, runPython } from '../test-python.js';
import {
  exportTorch,
  importTorch,
  readSafetensors,
  type TorchLoss,
  trainPy,
  writeSafetensors,
} from './index.js';

const LOSSES: TorchLoss[] = ['sequence', 'classes', 'binary', 'regression'];

import { TORCH_CASES } from './test-cases.js';

const TOLERANCE = 1e-5;
const py = livePython();
const dir = mkdtempSync(join(tmpdir(), 'rnnkit-torch-live-'));

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function predict(model: tfl.LayersModel, inputs: tf.Tensor[]): Float32Array {
  return tf.tidy(
    () =>
      (
        model.predict(inputs.length === 1 ? inputs[0]! : inputs) as tf.Tensor
      ).dataSync() as Float32Array,
  );
}

const results: { name: string; toTorch: number; fromTorch: number }[] = [];

describe.skipIf(py === null)('PyTorch live round trip', () => {
  const prepared: {
    name: string;
    folder: string;
    model: tfl.LayersModel;
    inputs: tf.Tensor[];
    dispose: () => void;
  }[] = [];

  beforeAll(async () => {
    await tf.setBackend('cpu');
    for (const c of TORCH_CASES) {
      const built = c.build();
      const folder = join(dir, c.name);
      mkdirSync(folder);
      const files = await exportTorch(built.model);
      // every loss's train.py must compile too (the e2e suite runs them)
      files['train.py'] = trainPy(
        files['architecture.json']
          ? JSON.parse(files['architecture.json'] as string).className
          : '',
        {
          loss: LOSSES[prepared.length % LOSSES.length]!,
          inputs: [],
          targets: { shape: [0], values: new Float32Array(0) },
          config: {
            epochs: 1,
            batchSize: 8,
            learningRate: 0.001,
            clipNorm: prepared.length % 2 ? 1 : null,
            schedule: 'cosine',
            seed: 0,
          },
          command: 'rnnkit export',
          source: 'test',
        },
      );
      for (const [name, body] of Object.entries(files)) writeFileSync(join(folder, name), body);
      const inputs = c.inputs();
      writeFileSync(
        join(folder, 'inputs.safetensors'),
        writeSafetensors(
          Object.fromEntries(
            inputs.map((t, i) => [
              `input_${i}`,
              { shape: t.shape, values: Float32Array.from(t.dataSync()) },
            ]),
          ),
        ),
      );
      writeFileSync(
        join(folder, 'case.json'),
        JSON.stringify({ ids: inputs.map((t) => t.dtype === 'int32') }),
      );
      prepared.push({ name: c.name, folder, model: built.model, inputs, dispose: built.dispose });
    }
    runPython(
      py!,
      readFileSync(new URL('../../test/torch_live.py', import.meta.url), 'utf8'),
      prepared.map((p) => p.folder),
    );
  }, 600_000);

  afterAll(() => {
    for (const p of prepared) {
      tf.dispose(p.inputs);
      p.dispose();
    }
    rmSync(dir, { recursive: true, force: true });
    if (results.length > 0) {
      process.stdout.write(
        `torch live: largest |rnnkit - PyTorch| per case\n${results.map((r) => `  ${r.name}: export ${r.toTorch.toExponential(2)}, import ${r.fromTorch.toExponential(2)}`).join('\n')}\n`,
      );
    }
  });

  it('writes model.py and train.py in lines of at most 100 characters', () => {
    for (const p of prepared) {
      for (const name of ['model.py', 'train.py']) {
        const long = readFileSync(join(p.folder, name), 'utf8')
          .split('\n')
          .filter((l) => l.length > 100);
        expect(long, `${p.name}: ${name}`).toEqual([]);
      }
    }
  });

  it('every case agrees within 1e-5 both ways', async () => {
    expect(prepared.length).toBe(TORCH_CASES.length);
    for (const p of prepared) {
      const ours = predict(p.model, p.inputs);
      const theirs = readSafetensors(readFileSync(join(p.folder, 'torch_out.safetensors'))).tensors[
        'output'
      ]!;
      const toTorch = maxDiff(ours, theirs.values);
      const imported = await importTorch({
        'weights.safetensors': readFileSync(join(p.folder, 'random.safetensors')),
        'architecture.json': readFileSync(join(p.folder, 'architecture.json'), 'utf8'),
      });
      const back = predict(imported.model, p.inputs);
      imported.model.dispose();
      const expected = readSafetensors(readFileSync(join(p.folder, 'random_out.safetensors')))
        .tensors['output']!;
      const fromTorch = maxDiff(back, expected.values);
      results.push({ name: p.name, toTorch, fromTorch });
      expect(toTorch, `${p.name}: rnnkit -> PyTorch`).toBeLessThan(TOLERANCE);
      expect(fromTorch, `${p.name}: PyTorch -> rnnkit`).toBeLessThan(TOLERANCE);
    }
  });
});
