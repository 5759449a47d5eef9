/**
 * Keras import and export without Python. The fixtures (src/keras/fixtures: NAME.keras and
 * NAME.json with the inputs and Keras 3.15's outputs) were made by
 * `python packages/interop/scripts/keras_fixtures.py build packages/interop/src/keras/fixtures
 * --only lstm_seq,gru_reset_before,bidi_sum_masked,state_concat,masking_lstm --no-h5`; those in
 * src/keras/fixtures/tfjs-converter by scripts/tfjs_converter_fixtures.py (see its header).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manyToMany, manyToOne } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// stock tfjs layers (the model.json test) use chained ops such as tensor.flatten()
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { InteropError } from '../errors.js';
import { readKerasArchive, writeKerasArchive } from './archive.js';
import { kerasBytes, toKeras } from './export.js';
import { readH5 } from './h5.js';
import { importKeras } from './import.js';

const FIXTURES = [
  'lstm_seq',
  'gru_reset_before',
  'bidi_sum_masked',
  'state_concat',
  'masking_lstm',
];
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

interface Spec {
  inputs: unknown[];
  dtypes: string[];
  outputs: unknown;
}

function maxAbsDiff(a: unknown, b: unknown): number {
  const fa = [a].flat(Number.POSITIVE_INFINITY) as number[];
  const fb = [b].flat(Number.POSITIVE_INFINITY) as number[];
  expect(fa.length).toBe(fb.length);
  return fa.reduce((m, v, i) => Math.max(m, Math.abs(v - (fb[i] as number))), 0);
}

function run(model: tfl.LayersModel, x: tf.Tensor): number[] {
  const y = model.predict(x) as tf.Tensor;
  const v = [...y.dataSync()];
  y.dispose();
  return v;
}

/** A fixture's archive with its config.json changed by `edit`. */
function edited(name: string, edit: (config: Record<string, unknown>) => void): Uint8Array {
  const a = readKerasArchive(readFileSync(fixture(`${name}.keras`)), name);
  const config = JSON.parse(a.config) as Record<string, unknown>;
  edit(config);
  return writeKerasArchive({ ...a, config: JSON.stringify(config) });
}

type Layer = { class_name: string; config: Record<string, unknown> };
const layersOf = (c: Record<string, unknown>) => (c['config'] as { layers: Layer[] }).layers;

async function refusal(bytes: Uint8Array): Promise<InteropError> {
  const e = await importKeras({ bytes, name: 'm.keras' }).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(InteropError);
  return e as InteropError;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('importKeras', () => {
  it.each(FIXTURES)('%s gives Keras 3.15 outputs within 1e-5', async (name) => {
    const spec = JSON.parse(readFileSync(fixture(`${name}.json`), 'utf8')) as Spec;
    const x = tf.tensor(
      spec.inputs[0] as number[],
      undefined,
      spec.dtypes[0]?.startsWith('int') ? 'int32' : 'float32',
    );
    const { model, meta } = await importKeras(fixture(`${name}.keras`));
    expect(meta.topology.builder).toBe('keras');
    expect(maxAbsDiff(run(model, x), spec.outputs)).toBeLessThanOrEqual(1e-5);
    model.dispose();
    x.dispose();
  });

  it('folds Bidirectional into rnnkit layers and keeps memory flat over repeated imports', async () => {
    const bytes = readFileSync(fixture('bidi_sum_masked.keras'));
    const x = tf.tensor2d([[1, 2, 3, 0, 0, 0]], [1, 6], 'int32');
    const first = await importKeras({ bytes, name: 'b.keras' });
    expect(first.model.layers.map((l) => l.getClassName())).toContain('rnnkit>ReverseTime');
    const ref = run(first.model, x);
    first.model.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { model } = await importKeras({ bytes, name: 'b.keras' });
      expect(run(model, x)).toEqual(ref);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('reads a .weights.h5 with its config.json, and asks for the config without one', async () => {
    const a = readKerasArchive(readFileSync(fixture('lstm_seq.keras')), 'lstm_seq.keras');
    const spec = JSON.parse(readFileSync(fixture('lstm_seq.json'), 'utf8')) as Spec;
    const { model } = await importKeras(
      { bytes: a.weights, name: 'w.weights.h5' },
      { config: a.config },
    );
    const x = tf.tensor(spec.inputs[0] as number[]);
    expect(maxAbsDiff(run(model, x), spec.outputs)).toBeLessThanOrEqual(1e-5);
    model.dispose();
    x.dispose();
    const e = await importKeras({ bytes: a.weights, name: 'w.weights.h5' }).catch((err) => err);
    expect((e as InteropError).code).toBe('BAD_OPTION');
    expect((e as Error).message).toMatch(/give the model's config.json/);
  });
});

describe('importKeras of a TensorFlow.js model.json', () => {
  it("reads tfjs's own save and the converter's nesting (model_config) to the same outputs", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-tfjs-json-'));
    const model = tfl.sequential({
      layers: [
        tfl.layers.bidirectional({
          layer: tfl.layers.lstm({
            units: 3,
            returnSequences: true,
            recurrentActivation: 'sigmoid',
          }) as never,
          mergeMode: 'concat',
          inputShape: [5, 2],
        }),
        tfl.layers.gru({ units: 4, recurrentActivation: 'sigmoid', recurrentInitializer: 'zeros' }),
        tfl.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    // non-zero biases everywhere
    for (const w of model.weights)
      w.write(tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 5));
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        const manifest = [{ paths: ['weights.bin'], weights: a.weightSpecs }];
        writeFileSync(join(dir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
        writeFileSync(
          join(dir, 'model.json'),
          JSON.stringify({ modelTopology: a.modelTopology, weightsManifest: manifest }),
        );
        const nested = {
          keras_version: '2.15.0',
          backend: 'tensorflow',
          model_config: a.modelTopology,
        };
        writeFileSync(
          join(dir, 'converted.json'),
          JSON.stringify({ modelTopology: nested, weightsManifest: manifest }),
        );
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const x = tf.randomNormal([2, 5, 2], 0, 1, 'float32', 9);
    const want = run(model, x);
    for (const file of ['model.json', 'converted.json']) {
      const { model: back } = await importKeras(join(dir, file));
      expect(maxAbsDiff(run(back, x), want)).toBeLessThanOrEqual(1e-6);
      back.dispose();
    }
    model.dispose();
    x.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    'lstm_seq_keras',
    'bidi_sum_masked_keras',
    'state_concat_keras',
    'lstm_seq_h5',
    'bidi_sum_masked_h5',
  ])(
    "reads the TensorFlow.js converter's own output (%s) to Keras's outputs within 1e-5",
    async (dir) => {
      // made by scripts/tfjs_converter_fixtures.py (the converter's keras_h5_conversion from
      // source): the .keras path names weights by their .keras paths, the .h5 path by layer
      // (a Sequential's under the model's name)
      const name = dir.replace(/_(keras|h5)$/, '');
      const spec = JSON.parse(readFileSync(fixture(`${name}.json`), 'utf8')) as Spec;
      const { model } = await importKeras(fixture(`tfjs-converter/${dir}/model.json`));
      const x = tf.tensor(
        spec.inputs[0] as number[],
        undefined,
        spec.dtypes[0]!.startsWith('int') ? 'int32' : 'float32',
      );
      expect(maxAbsDiff(run(model, x), spec.outputs)).toBeLessThanOrEqual(1e-5);
      model.dispose();
      x.dispose();
    },
  );

  it('refuses shard paths outside its folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-tfjs-json-'));
    const a = readKerasArchive(readFileSync(fixture('lstm_seq.keras')), 'x');
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({
        modelTopology: JSON.parse(a.config),
        weightsManifest: [{ paths: ['../w.bin'], weights: [] }],
      }),
    );
    const e = await importKeras(join(dir, 'model.json')).catch((err: unknown) => err);
    expect((e as InteropError).code).toBe('UNSAFE');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('importKeras refuses', () => {
  it('a layer it does not support, naming the layer, its class and the supported list', async () => {
    const e = await refusal(
      edited('lstm_seq', (c) => {
        const l = layersOf(c)[1]!;
        l.class_name = 'Conv1D';
        l.config['name'] = 'conv';
      }),
    );
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toMatch(
      /layer 'conv' is a Conv1D, which rnnkit cannot import: supported layers are InputLayer, Embedding/,
    );
  });

  it('Lambda layers, custom objects and safe_mode=False (no code runs), before reading weights', async () => {
    const garbage = (bytes: Uint8Array) => {
      // weights that are not HDF5 at all: a refusal must come first
      const a = readKerasArchive(bytes, 'x');
      return writeKerasArchive({ ...a, weights: new Uint8Array(16) });
    };
    const lambda = await refusal(
      garbage(
        edited('lstm_seq', (c) => {
          layersOf(c)[1]!.class_name = 'Lambda';
        }),
      ),
    );
    expect(lambda.code).toBe('UNSAFE');
    expect(lambda.message).toMatch(/Lambda layer \(Python code\): refused/);
    const custom = await refusal(
      garbage(
        edited('lstm_seq', (c) => {
          (layersOf(c)[1] as unknown as Record<string, unknown>)['module'] = 'my_project.layers';
        }),
      ),
    );
    expect(custom.code).toBe('UNSAFE');
    expect(custom.message).toMatch(/from module my_project.layers, a custom object/);
    const unsafe = await refusal(
      garbage(
        edited('lstm_seq', (c) => {
          layersOf(c)[1]!.config['safe_mode'] = false;
        }),
      ),
    );
    expect(unsafe.code).toBe('UNSAFE');
  });

  it("Keras 3's hard_sigmoid gates (x/6 + 0.5 is not tfjs's 0.2x + 0.5)", async () => {
    const e = await refusal(
      edited('lstm_seq', (c) => {
        layersOf(c)[1]!.config['recurrent_activation'] = 'hard_sigmoid';
      }),
    );
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toMatch(/hard_sigmoid.*x\/6 \+ 0.5/);
  });

  it('weights whose stored shape differs from what the config declares (before reading them)', async () => {
    const e = await refusal(
      edited('lstm_seq', (c) => {
        layersOf(c)[1]!.config['units'] = 7;
      }),
    );
    expect(e.code).toBe('MALFORMED');
    expect(e.message).toMatch(/is \[3,20\] in the file but the config declares \[3,28\]/);
  });

  it('zip entries that point outside the archive, and files that are not Keras models', async () => {
    const evil = zipSync(
      { '../evil.sh': new Uint8Array([1]), 'config.json': new Uint8Array([123, 125]) },
      { level: 0 },
    );
    expect((await refusal(evil)).code).toBe('UNSAFE');
    const abs = zipSync({ '/etc/x': new Uint8Array([1]) }, { level: 0 });
    expect((await refusal(abs)).message).toMatch(/points outside the archive/);
    const text = await refusal(new TextEncoder().encode('not a model'));
    expect(text.code).toBe('MALFORMED');
    expect(text.message).toMatch(
      /neither a \.keras archive \(zip\), an HDF5 file nor a TensorFlow\.js model\.json/,
    );
  });
});

describe('exportKeras', () => {
  it('writes weights where Keras looks for them, and a Bidirectional for the bidirectional stack', async () => {
    const { model } = await importKeras(fixture('bidi_sum_masked.keras'));
    const { config, entries } = toKeras(model);
    const classes = (config['config'] as { layers: Layer[] }).layers.map((l) => l.class_name);
    expect(classes).toEqual(['InputLayer', 'Embedding', 'Bidirectional', 'Dense']);
    const bidi = (config['config'] as { layers: Layer[] }).layers[2]!;
    expect(bidi.config['merge_mode']).toBe('sum');
    expect(entries.map((e) => e.path)).toEqual([
      'layers/embedding/vars/0',
      'layers/bidirectional/forward_layer/cell/vars/0',
      'layers/bidirectional/forward_layer/cell/vars/1',
      'layers/bidirectional/forward_layer/cell/vars/2',
      'layers/bidirectional/backward_layer/cell/vars/0',
      'layers/bidirectional/backward_layer/cell/vars/1',
      'layers/bidirectional/backward_layer/cell/vars/2',
      'layers/dense/vars/0',
      'layers/dense/vars/1',
    ]);
    const h5 = await readH5(readKerasArchive(await kerasBytes(model), 'x').weights, 'x');
    expect(h5.datasets.get('layers/dense/vars/0')?.shape).toEqual([4, 2]);
    h5.close();
    model.dispose();
  });

  it('round-trips rnnkit-built models (export, import) to the same outputs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          cell: fc.constantFrom('rnn', 'lstm', 'gru'),
          bidirectional: fc.boolean(),
          layers: fc.integer({ min: 1, max: 2 }),
          sequences: fc.boolean(),
          embedding: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        async (a) => {
          const input = a.embedding
            ? ({ type: 'embedding', vocabSize: 9, dims: 3, maskZero: true } as const)
            : ({ type: 'features', features: 2 } as const);
          const common = {
            cell: a.cell,
            units: 3,
            layers: a.layers,
            bidirectional: a.bidirectional,
            input,
            seqLength: 5,
            seed: a.seed,
          };
          const { model } = a.sequences
            ? manyToMany({ ...common, classes: 4 })
            : manyToOne({ ...common, head: { type: 'classes', classes: 2 } });
          const x = a.embedding
            ? tf.tensor2d(
                [
                  [1, 5, 8, 0, 0],
                  [0, 2, 3, 4, 7],
                ],
                [2, 5],
                'int32',
              )
            : tf.randomNormal([2, 5, 2], 0, 1, 'float32', a.seed);
          const back = await importKeras({ bytes: await kerasBytes(model), name: 'p.keras' });
          expect(maxAbsDiff(run(back.model, x), run(model, x))).toBeLessThanOrEqual(1e-6);
          back.model.dispose();
          model.dispose();
          x.dispose();
        },
      ),
      { numRuns: 12, seed: 21 },
    );
  });

  it('refuses a layer it has no Keras mapping for, naming it', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.conv1d({ filters: 2, kernelSize: 2, inputShape: [4, 3], name: 'conv' })],
    });
    await expect(kerasBytes(model)).rejects.toThrow(
      /layer 'conv' is a Conv1D, which has no Keras counterpart rnnkit exports: supported layers are InputLayer/,
    );
    model.dispose();
  });

  it("refuses tfjs's hardSigmoid gates (Keras 3's differs) before writing anything", async () => {
    const { model } = manyToOne({
      cell: 'lstm',
      units: 2,
      input: { type: 'features', features: 2 },
      seqLength: 3,
      head: { type: 'classes', classes: 2 },
      seed: 0,
    });
    const patched = model.layers.find((l) => l.getClassName() === 'LSTM')!;
    const original = patched.getConfig.bind(patched);
    patched.getConfig = () => ({ ...original(), recurrentActivation: 'hardSigmoid' });
    await expect(kerasBytes(model)).rejects.toThrow(
      /recurrent_activation 'hard_?[sS]igmoid'.*only sigmoid exports exactly/,
    );
    model.dispose();
  });
});
