/**
 * PyTorch export and import without Python: the safetensors reader against a file made by the
 * real writer (fixtures/dtypes.safetensors, made by scripts/make-torch-fixtures.py), the writer
 * round trip, hostile files, the state_dict names and shapes of nn.LSTM, the bias rules, and the
 * errors for what has no PyTorch twin. The live suite (torch.live.test.ts) runs real PyTorch.
 */
import { readFileSync } from 'node:fs';
import { CELL_LAYOUTS, manyToOne, oneToMany, recurrentLayer } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { InteropError } from '../errors.js';
import { describeModel } from '../model-graph.js';
import { exportTorch, importTorch, readSafetensors, torchPlan, writeSafetensors } from './index.js';
import { torchStateDict, weightsFromTorch } from './weights.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const fixture = new Uint8Array(
  readFileSync(new URL('./fixtures/dtypes.safetensors', import.meta.url)),
);

function header(json: string, data = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InteropError);
    return `${(e as InteropError).code}: ${(e as Error).message}`;
  }
  throw new Error('expected an InteropError');
}

describe('safetensors', () => {
  it("reads every dtype of PyTorch's writer as float32", () => {
    const { tensors, metadata } = readSafetensors(fixture, 'dtypes.safetensors');
    expect(metadata).toEqual({ made_by: 'scripts/make-torch-fixtures.py' });
    for (const name of ['f32', 'f64', 'f16', 'bf16']) {
      expect(tensors[name]!.shape).toEqual([2, 3]);
      expect([...tensors[name]!.values]).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    }
    for (const name of ['i64', 'i32'])
      expect([...tensors[name]!.values]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('round-trips float32 and int ids, in order, with metadata', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 3 })), {
          maxLength: 4,
        }),
        fc.boolean(),
        (dims, ids) => {
          const tensors = Object.fromEntries(
            dims.map(([a, b], i) => {
              const n = a * b;
              const values = ids
                ? Int32Array.from({ length: n }, (_, j) => j * 7 - 3)
                : Float32Array.from({ length: n }, (_, j) => Math.fround(j / 3 - 1));
              return [`t${i}`, { shape: [a, b], values }];
            }),
          );
          const bytes = writeSafetensors(tensors, { k: 'v' });
          const back = readSafetensors(bytes);
          expect(Object.keys(back.tensors)).toEqual(Object.keys(tensors));
          for (const [k, t] of Object.entries(tensors)) {
            expect(back.tensors[k]!.shape).toEqual(t.shape);
            expect([...back.tensors[k]!.values]).toEqual([...t.values]);
          }
          expect(back.metadata).toEqual({ k: 'v' });
          expect(new DataView(bytes.buffer).getBigUint64(0, true) % 8n).toBe(0n); // aligned data
        },
      ),
    );
  });

  it('refuses hostile or broken files before reading data', () => {
    expect(code(() => readSafetensors(new Uint8Array(5)))).toMatch(/MALFORMED: .*5 bytes/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 60n, true);
    expect(code(() => readSafetensors(huge))).toMatch(/header of \d+ bytes in a file of 16/);
    expect(code(() => readSafetensors(header('{"a":')))).toMatch(/header is not JSON/);
    expect(code(() => readSafetensors(header('[1]')))).toMatch(/not a JSON object/);
    expect(
      code(() =>
        readSafetensors(
          header('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', new Uint8Array(1)),
        ),
      ),
    ).toMatch(/UNSUPPORTED: .*dtype "U8"/);
    expect(
      code(() =>
        readSafetensors(
          header('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', new Uint8Array(4)),
        ),
      ),
    ).toMatch(/shape \[-1\]/);
    // offsets past the end, a size that disagrees with the shape, overlap, trailing bytes
    expect(
      code(() =>
        readSafetensors(
          header('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', new Uint8Array(4)),
        ),
      ),
    ).toMatch(/needs 8 bytes but data_offsets \[0, 8\] in 4 bytes/);
    expect(
      code(() =>
        readSafetensors(
          header('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', new Uint8Array(4)),
        ),
      ),
    ).toMatch(/needs 8 bytes/);
    expect(
      code(() =>
        readSafetensors(
          header(
            '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
            new Uint8Array(8),
          ),
        ),
      ),
    ).toMatch(/'b' starts at 4, expected 8|'a' starts at 0/);
    expect(
      code(() =>
        readSafetensors(
          header('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(8)),
        ),
      ),
    ).toMatch(/4 bytes after the last tensor/);
    expect(
      code(() => writeSafetensors({ a: { shape: [3], values: new Float32Array(2) } })),
    ).toMatch(/BAD_OPTION: .*shape \[3\] \(3 values\) but 2 values/);
  });
});

describe('state_dict mapping', () => {
  it("names and shapes a stacked bidirectional LSTM as PyTorch's nn.LSTM does", () => {
    const { model } = manyToOne({
      cell: 'lstm',
      units: 2,
      layers: 2,
      bidirectional: true,
      input: { type: 'features', features: 3 },
      head: { type: 'none' },
      seed: 0,
    });
    const sd = torchStateDict(torchPlan(model));
    const torch = readSafetensors(fixture).tensors;
    const expected = Object.entries(torch)
      .filter(([k]) => k.startsWith('lstm.'))
      .map(([k, t]) => [k.replace('lstm.', 'rnn.'), t.shape.join('x')])
      .sort();
    expect(
      Object.entries(sd)
        .map(([k, t]) => [k, t.shape.join('x')])
        .sort(),
    ).toEqual(expected);
    model.dispose();
  });

  it('reorders gates by CELL_LAYOUTS and sums LSTM biases on import (GRU keeps both)', () => {
    for (const cell of ['lstm', 'gru'] as const) {
      const { model } = manyToOne({
        cell,
        units: 2,
        input: { type: 'features', features: 1 },
        head: { type: 'none' },
        seed: 1,
      });
      const plan = torchPlan(model);
      const sd = torchStateDict(plan);
      // export: PyTorch's block j is rnnkit's block of the same gate
      const kernel = describeModel(model).layers.find((l) => l.name === 'rnn_1')!.weights[
        'kernel'
      ]!;
      const L = CELL_LAYOUTS[cell];
      L.torch.forEach((g, j) => {
        const k = L.keras.indexOf(g);
        expect(sd['rnn.weight_ih_l0']!.values.slice(2 * j, 2 * j + 2)).toEqual(
          kernel.values.slice(2 * k, 2 * k + 2),
        );
      });
      // import: b_ih + b_hh for lstm; separate rows for gru
      const n = sd['rnn.bias_ih_l0']!.values.length;
      sd['rnn.bias_ih_l0'] = { shape: [n], values: Float32Array.from({ length: n }, (_, i) => i) };
      sd['rnn.bias_hh_l0'] = { shape: [n], values: Float32Array.from({ length: n }, () => 0.5) };
      const bias = weightsFromTorch(plan, sd).get('rnn_1')!['bias']!;
      const perm = L.keras.map((g) => L.torch.indexOf(g)); // rnnkit block j comes from torch block perm[j]
      const expected = perm.flatMap((p) => [2 * p, 2 * p + 1]);
      if (cell === 'lstm') {
        expect(bias.shape).toEqual([8]);
        expect([...bias.values]).toEqual(expected.map((v) => v + 0.5));
      } else {
        expect(bias.shape).toEqual([2, 6]);
        expect([...bias.values]).toEqual([...expected, ...expected.map(() => 0.5)]);
      }
      model.dispose();
    }
  });

  it("reads a numeric input named 'features', or 'tokens' as models saved before the rename", () => {
    const { model } = manyToOne({
      cell: 'lstm',
      units: 2,
      input: { type: 'features', features: 3 },
      head: { type: 'none' },
    });
    expect(model.inputNames).toEqual(['features']);
    expect(torchPlan(model).plan).toMatchObject({ input: { kind: 'features', width: 3 } });
    model.dispose();
    const x = tfl.input({ shape: [null, 3], name: 'tokens' });
    const y = recurrentLayer({
      cell: 'lstm',
      units: 2,
      returnSequences: false,
      name: 'rnn_1',
    }).apply(x);
    const old = tfl.model({ inputs: x, outputs: y as tfl.SymbolicTensor, name: 'many_to_one' });
    expect(torchPlan(old).plan).toMatchObject({ input: { kind: 'features', width: 3 } });
    old.dispose();
  });

  it('says what has no PyTorch twin', () => {
    const { model } = manyToOne({
      cell: 'gru',
      units: 2,
      resetAfter: false,
      input: { type: 'features', features: 1 },
      head: { type: 'none' },
    });
    expect(code(() => torchPlan(model))).toMatch(
      /UNSUPPORTED: GRU 'rnn_1' .*reset_after=False.*no PyTorch twin/,
    );
    model.dispose();
    const x = tfl.input({ shape: [3, 1], name: 'tokens' });
    const y = recurrentLayer({
      cell: 'lstm',
      units: 2,
      recurrentActivation: 'hardSigmoid',
      name: 'rnn_1',
    } as never).apply(x);
    const hard = tfl.model({ inputs: x, outputs: y as tfl.SymbolicTensor, name: 'many_to_one' });
    expect(code(() => torchPlan(hard))).toMatch(/recurrent_activation 'hard_sigmoid'.*sigmoid/);
    const conv = tfl.layers.conv1d({ filters: 1, kernelSize: 1 }).apply(x) as tfl.SymbolicTensor;
    const other = tfl.model({ inputs: x, outputs: conv, name: 'many_to_one' });
    expect(code(() => torchPlan(other))).toMatch(/UNSUPPORTED: layer .* is a Conv1D/);
    hard.dispose();
    other.dispose();
  });
});

describe('importTorch', () => {
  it('brings exported weights back exactly and checks every tensor', async () => {
    const m = oneToMany({
      cell: 'gru',
      units: 3,
      layers: 2,
      condition: { type: 'class', classes: 2 },
      input: { type: 'oneHot', vocabSize: 4 },
      classes: 4,
      seed: 2,
    });
    const files = await exportTorch(m.model);
    expect(files['model.py']).toMatch(/class OneToMany\(nn\.Module\)/);
    const back = await importTorch(files);
    const a = describeModel(m.model);
    const b = describeModel(back.model);
    for (const l of a.layers) {
      for (const [k, w] of Object.entries(l.weights)) {
        expect([...b.layers.find((x) => x.name === l.name)!.weights[k]!.values]).toEqual([
          ...w.values,
        ]);
      }
    }
    back.model.dispose();
    const sd = readSafetensors(files['weights.safetensors'] as Uint8Array).tensors;
    const without = Object.fromEntries(Object.entries(sd).filter(([k]) => k !== 'logits.bias'));
    await expect(
      importTorch({ ...files, 'weights.safetensors': writeSafetensors(without) }),
    ).rejects.toThrow(/has no tensor 'logits.bias'/);
    const wrong = { ...sd, 'logits.bias': { shape: [5], values: new Float32Array(5) } };
    await expect(
      importTorch({ ...files, 'weights.safetensors': writeSafetensors(wrong) }),
    ).rejects.toThrow(/'logits.bias' has shape \[5\], expected \[4\]/);
    const extra = { ...sd, 'head.weight': { shape: [1], values: new Float32Array(1) } };
    await expect(
      importTorch({ ...files, 'weights.safetensors': writeSafetensors(extra) }),
    ).rejects.toThrow(/tensors the architecture in the metadata does not: head.weight/);
    await expect(
      importTorch({ 'weights.safetensors': files['weights.safetensors']! }),
    ).rejects.toThrow(/needs architecture.json/);
    m.dispose();
  });
});
