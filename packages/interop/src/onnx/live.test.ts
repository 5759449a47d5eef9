/**
 * The live suite, Python side: every exported model passes `onnx.checker.check_model(full_check=
 * True)` (onnx 1.23, with shape inference) and runs on Python's onnxruntime 1.30 to rnnkit's
 * outputs within 1e-5. One Python process checks every model (the pinned environment of
 * scripts/python-env.mjs).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CellType, manyToMany, manyToOne, seq2seq } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livePython, runPython } from '../test-python.js';
import { exportOnnx } from './export.js';
import { type Feed, floats, paddedIds, tensorOf } from './test-ort.js';

const py = livePython();
const dir = mkdtempSync(join(tmpdir(), 'rnnkit-onnx-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Case {
  name: string;
  file: string;
  feeds: Record<string, { data: number[]; shape: number[]; dtype: string }>;
  /** rnnkit's first output, and which of its values are meaningful (1) or padding (0). */
  want: number[];
  keep: number[];
}

const CHECK = `
import json, sys
import numpy as np
import onnx, onnxruntime as ort
cases = json.load(open(sys.argv[1]))
out = []
for c in cases:
    model = onnx.load(c['file'])
    onnx.checker.check_model(model, full_check=True)
    s = ort.InferenceSession(c['file'], providers=['CPUExecutionProvider'])
    feeds = {k: np.array(v['data'], dtype=v['dtype']).reshape(v['shape']) for k, v in c['feeds'].items()}
    got = s.run(None, feeds)[0].reshape(-1)
    keep = np.array(c['keep'], dtype=bool)
    diff = float(np.max(np.abs(got - np.array(c['want'], dtype=np.float32))[keep]))
    out.append({'name': c['name'], 'diff': diff, 'opset': model.opset_import[0].version})
print(json.dumps(out))
`;

function feedJson(f: Feed) {
  return {
    data: [...f.data],
    shape: f.shape,
    dtype: f.data instanceof Int32Array ? 'int32' : 'float32',
  };
}

function record(
  cases: Case[],
  name: string,
  model: tfl.LayersModel,
  feeds: Record<string, Feed>,
  keep?: (i: number) => boolean,
  options: { step?: boolean } = {},
) {
  model.trainableWeights.forEach((w, i) => {
    w.write(tf.mul(tensorOf(floats(w.shape as number[], 7 + i)), 0.5));
  });
  const file = join(dir, `${cases.length}.onnx`);
  writeFileSync(file, exportOnnx(model, options));
  const want = tf.tidy(() => {
    const inputs = model.inputNames.map((n) => tensorOf(feeds[n]!));
    const y = model.predict(inputs.length === 1 ? inputs[0]! : inputs);
    return [...((Array.isArray(y) ? y[0]! : y).dataSync() as Float32Array)];
  });
  cases.push({
    name,
    file,
    feeds: Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, feedJson(f)])),
    want,
    keep: want.map((_, i) => (keep === undefined || keep(i) ? 1 : 0)),
  });
}

describe.skipIf(py === null)('ONNX export, checked by onnx and run by Python onnxruntime', () => {
  it('passes check_model(full_check=True) and matches rnnkit for every cell and topology', () => {
    const cases: Case[] = [];
    const lengths = [6, 3];
    const ids = paddedIds(2, 6, 9, lengths);
    for (const cell of ['rnn', 'lstm', 'gru'] as CellType[]) {
      for (const bidirectional of [false, true]) {
        const input = { type: 'embedding', vocabSize: 9, dims: 3, maskZero: true } as const;
        const common = { cell, units: 4, layers: 2, bidirectional, input, seed: 1 };
        const one = manyToOne({ ...common, head: { type: 'classes', classes: 3 } }).model;
        record(cases, `${cell} ${bidirectional ? 'bi' : 'uni'} many-to-one`, one, { tokens: ids });
        const many = manyToMany({ ...common, classes: 5 }).model;
        const real = (i: number) => i % 30 < lengths[Math.floor(i / 30)]! * 5;
        record(
          cases,
          `${cell} ${bidirectional ? 'bi' : 'uni'} many-to-many`,
          many,
          { tokens: ids },
          real,
        );
        one.dispose();
        many.dispose();
      }
      const lm = manyToMany({
        cell,
        units: 4,
        classes: 5,
        input: { type: 'oneHot', vocabSize: 5 },
      }).model;
      const states = Object.fromEntries(
        (cell === 'lstm' ? ['state_h_1', 'state_c_1'] : ['state_h_1']).map((s) => [
          s,
          floats([2, 4], 5),
        ]),
      );
      const stepFeeds = { tokens: { data: Int32Array.of(1, 4), shape: [2, 1] }, ...states };
      // the step model's logits with the given state: rnnkit's from the same state
      const file = join(dir, `${cell}-step.onnx`);
      writeFileSync(file, exportOnnx(lm, { step: true }));
      const want = tf.tidy(() => {
        const layer = lm.getLayer('rnn_1');
        const x = lm.getLayer('tokens_one_hot').apply(tensorOf(stepFeeds.tokens)) as tf.Tensor;
        const init = Object.values(states).map(tensorOf);
        const h = layer.apply(x, { initialState: init }) as tf.Tensor;
        return [...(lm.getLayer('logits').apply(h) as tf.Tensor).dataSync()];
      });
      cases.push({
        name: `${cell} step`,
        file,
        feeds: Object.fromEntries(Object.entries(stepFeeds).map(([k, f]) => [k, feedJson(f)])),
        want,
        keep: want.map(() => 1),
      });
      lm.dispose();
    }
    for (const attention of ['dot', 'additive'] as const) {
      const net = seq2seq({
        cell: 'lstm',
        units: 3,
        bidirectional: true,
        classes: 6,
        attention,
        source: { type: 'embedding', vocabSize: 9, dims: 3, maskZero: true },
        target: { type: 'embedding', vocabSize: 6, dims: 3 },
      });
      record(cases, `seq2seq ${attention}`, net.model, {
        source: ids,
        target: paddedIds(2, 3, 6, [3, 3]),
      });
      net.dispose();
    }
    const casesFile = join(dir, 'cases.json');
    writeFileSync(casesFile, JSON.stringify(cases));
    const results = JSON.parse(runPython(py!, CHECK, [casesFile])) as {
      name: string;
      diff: number;
      opset: number;
    }[];
    expect(results.map((r) => r.name)).toEqual(cases.map((c) => c.name));
    for (const r of results) {
      expect(r.diff, r.name).toBeLessThan(1e-5);
      expect(r.opset).toBe(17);
    }
  });
});
