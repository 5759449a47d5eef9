import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { charTokenizer, Vocab } from '@rnnkit/vocab';
import { StandardScaler } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generate } from '../generation/generate.js';
import { manyToMany } from '../topologies/many-to-many.js';
import { load } from './load.js';
import { save } from './save.js';
import type { ArtifactMeta } from './schema.js';
import { parseRnnkitJSON } from './schema.js';
import { errno, memoryFs } from './test-memory-fs.js';
import { nodeFileHandler } from './tfjs-files.js';

let tmp: string;
beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  tmp = await mkdtemp(join(tmpdir(), 'rnnkit-artifact-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const V = 6;
const vocab = Vocab.fromTexts(['abcd'], { tokenizer: charTokenizer() });
const meta: ArtifactMeta = {
  task: 'text-generation',
  topology: { builder: 'manyToMany', args: { cell: 'lstm', units: 8, classes: V } },
  vocab: vocab.toJSON(),
  training: { config: { epochs: 2 }, metrics: { loss: 1.5 } },
};

/**
 * A char-LM-shaped model on rnnkit's recurrent layers (GRU: resetAfter true). Its input is
 * one-hot vectors given as `features` (the one-hot id input has its own round-trip test below).
 */
function lm(cell: 'rnn' | 'lstm' | 'gru', seed = 1) {
  return manyToMany({ cell, units: 8, classes: V, input: { type: 'features', features: V }, seed })
    .model;
}

/** The model's output on a fixed batch of ids (or one-hot vectors, for a model without Embedding). */
function predict(model: tfl.LayersModel): number[] {
  return tf.tidy(() => {
    const ids = [
      [1, 2, 3, 4, 5],
      [5, 0, 1, 1, 2],
    ];
    const x =
      model.inputs[0]!.shape.length === 2
        ? tf.tensor2d(ids, [2, 5], 'int32')
        : tf.oneHot(tf.tensor2d(ids, [2, 5], 'int32'), V);
    return Array.from((model.predict(x) as tf.Tensor).dataSync());
  });
}

function expectClose(a: number[], b: number[]) {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-6);
}

describe('save and load (Node folder)', () => {
  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`${cell}: load() gives the same predictions, meta and vocab`, async () => {
      const model = lm(cell);
      const dir = join(tmp, `rt-${cell}`);
      const doc = await save(model, dir, meta);
      expect(doc.formatVersion).toBe(1);
      const loaded = await load(dir);
      expectClose(predict(loaded.model), predict(model));
      expect(loaded.meta).toEqual(doc);
      expect(loaded.vocab!.tokens).toEqual(vocab.tokens);
      expect(loaded.scaler).toBeNull();
      const rnnkit = JSON.parse(await readFile(join(dir, 'rnnkit.json'), 'utf8'));
      expect(rnnkit).toMatchObject({ format: 'rnnkit-model', formatVersion: 1, task: meta.task });
      loaded.model.dispose();
      model.dispose();
    });
  }

  for (const cell of ['rnn', 'lstm'] as const) {
    it(`${cell}: model.json + weights.bin load with plain tfl.loadLayersModel (stock classes)`, async () => {
      const model = lm(cell, 2);
      const dir = join(tmp, `plain-${cell}`);
      await save(model, dir, meta);
      const viaHandler = await tfl.loadLayersModel(nodeFileHandler(dir));
      expectClose(predict(viaHandler), predict(model));
      // and from memory, the way a browser or a converter sees the two files
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      const bin = await readFile(join(dir, 'weights.bin'));
      const fromMemory = await tfl.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0].weights,
          weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
        }),
      );
      expectClose(predict(fromMemory), predict(model));
      const classes = json.modelTopology.config.layers.map(
        (l: { class_name: string }) => l.class_name,
      );
      expect(classes).toContain(cell === 'rnn' ? 'SimpleRNN' : 'LSTM');
      for (const m of [viaHandler, fromMemory, model]) m.dispose();
    });
  }

  it('a loaded model generates exactly what the saved one did', async () => {
    const model = lm('lstm', 3);
    const dir = join(tmp, 'generate');
    await save(model, dir, meta);
    const loaded = await load(dir);
    const args = { prompts: [[1, 2], [4]], maxLength: 30, seed: 7, topK: 3 };
    expect(generate(loaded.model, args)).toEqual(generate(model, args));
    loaded.model.dispose();
    model.dispose();
  });

  it('an embedding-input manyToMany round-trips', async () => {
    const { model } = manyToMany({
      cell: 'gru',
      units: 8,
      classes: V,
      layers: 2,
      input: { type: 'embedding', vocabSize: V, dims: 4 },
    });
    const dir = join(tmp, 'embedding');
    await save(model, dir, meta);
    const loaded = await load(dir);
    expectClose(predict(loaded.model), predict(model));
    loaded.model.dispose();
    model.dispose();
  });

  // Known defect outside this module: inputs.ts builds the frozen one-hot Embedding with
  // layer.build() before the layer is applied, i.e. outside its name scope, so its weight is
  // saved as 'embeddings' instead of 'tokens_one_hot/embeddings' and neither load() nor plain
  // tfl.loadLayersModel can match it. When that is fixed this test fails: turn it into it().
  it('a one-hot-id manyToMany round-trips', async () => {
    const { model } = manyToMany({
      cell: 'lstm',
      units: 8,
      classes: V,
      input: { type: 'oneHot', vocabSize: V },
    });
    const dir = join(tmp, 'one-hot');
    await save(model, dir, meta);
    try {
      const loaded = await load(dir);
      expectClose(predict(loaded.model), predict(model));
      loaded.model.dispose();
    } finally {
      model.dispose();
    }
  });

  it("names a numeric input 'features' and still loads one saved as 'tokens'", async () => {
    const model = lm('gru');
    expect(model.inputNames).toEqual(['features']);
    const dir = join(tmp, 'old-input-name');
    await save(model, dir, meta);
    // what a save from before the rename wrote: the same file with the input named 'tokens'
    const file = join(dir, 'model.json');
    const rename = (v: unknown): unknown =>
      v === 'features'
        ? 'tokens'
        : Array.isArray(v)
          ? v.map(rename)
          : v !== null && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rename(x)]))
            : v;
    await writeFile(file, JSON.stringify(rename(JSON.parse(await readFile(file, 'utf8')))));
    const loaded = await load(dir);
    try {
      expect(loaded.model.inputNames).toEqual(['tokens']);
      expectClose(predict(loaded.model), predict(model));
    } finally {
      loaded.model.dispose();
      model.dispose();
    }
  });

  it('keeps a scaler and replaces an earlier save in the same folder', async () => {
    const dir = join(tmp, 'replace');
    const a = lm('rnn', 1);
    const b = lm('rnn', 2);
    await save(a, dir, meta);
    const scaler = StandardScaler.fit([1, 2, 3]);
    await save(b, dir, { ...meta, scaler: scaler.toJSON() });
    const loaded = await load(`file://${dir}`);
    expectClose(predict(loaded.model), predict(b));
    expect(loaded.scaler!.transform([2])).toEqual(scaler.transform([2]));
    for (const m of [a, b, loaded.model]) m.dispose();
  });
});

describe('atomic writes through the file-system seam', () => {
  async function saved() {
    const fs = memoryFs();
    const model = lm('lstm', 1);
    await save(model, 'out/m', meta, { fs });
    return { fs, model, before: predict(model) };
  }

  async function expectPrevious(fs: ReturnType<typeof memoryFs>, before: number[]) {
    fs.fault = () => {};
    const loaded = await load('out/m', { fs });
    expectClose(predict(loaded.model), before);
    loaded.model.dispose();
    // no temporary folder left beside it
    expect([...fs.dirs].filter((d) => d.includes('.saving-'))).toEqual([]);
  }

  it('ENOSPC while writing weights.bin: WRITE_FAILED, previous artifact intact', async () => {
    const { fs, model, before } = await saved();
    fs.fault = (op, path) => {
      if (op === 'writeFile' && path.endsWith('weights.bin')) throw errno('ENOSPC');
    };
    const other = lm('lstm', 9);
    await expect(save(other, 'out/m', meta, { fs })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      file: 'out/m',
      message: expect.stringMatching(/ENOSPC.*disk is full.*unchanged/),
    });
    await expectPrevious(fs, before);
    other.dispose();
    model.dispose();
  });

  it('EACCES: says how to fix it', async () => {
    const fs = memoryFs();
    fs.fault = (op) => {
      if (op === 'mkdir') throw errno('EACCES');
    };
    const model = lm('rnn');
    await expect(save(model, 'ro/m', meta, { fs })).rejects.toThrow(/no permission to write/);
    model.dispose();
  });

  it('a crash between the two renames is rolled back', async () => {
    const { fs, model, before } = await saved();
    fs.fault = (op, path) => {
      if (op === 'rename' && path.includes('.saving-')) throw errno('EIO');
    };
    const other = lm('lstm', 9);
    await expect(save(other, 'out/m', meta, { fs })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
    });
    await expectPrevious(fs, before);
    other.dispose();
    model.dispose();
  });

  it('if even the rollback fails, load() points at the kept previous folder', async () => {
    const { fs, model } = await saved();
    let renames = 0;
    fs.fault = (op) => {
      if (op === 'rename' && ++renames > 1) throw errno('EIO'); // dies after moving the old one away
    };
    const other = lm('lstm', 9);
    await expect(save(other, 'out/m', meta, { fs })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
    });
    fs.fault = () => {};
    const backup = [...fs.dirs].find((d) => d.startsWith('out/.m.previous-'));
    expect(backup).toBeDefined();
    await expect(load('out/m', { fs })).rejects.toMatchObject({
      code: 'MISSING_FILE',
      message: expect.stringContaining(`previous model at ${backup}: rename it to out/m`),
    });
    other.dispose();
    model.dispose();
  });

  it('refuses to replace a folder that holds other files', async () => {
    const fs = memoryFs();
    await fs.mkdir('data', { recursive: true });
    await fs.writeFile('data/notes.txt', new Uint8Array([1]));
    const model = lm('rnn');
    await expect(save(model, 'data', meta, { fs })).rejects.toMatchObject({
      code: 'NOT_AN_ARTIFACT',
      message: expect.stringContaining('notes.txt'),
    });
    expect(fs.files.has('data/notes.txt')).toBe(true);
    model.dispose();
  });
});

describe('load() failures: typed, naming the file, never half-loaded', () => {
  async function savedFs() {
    const fs = memoryFs();
    const model = lm('gru', 1);
    await save(model, 'm', meta, { fs });
    model.dispose();
    return fs;
  }
  const text = (fs: ReturnType<typeof memoryFs>, f: string) =>
    new TextDecoder().decode(fs.files.get(f));
  const put = (fs: ReturnType<typeof memoryFs>, f: string, s: string) =>
    fs.files.set(f, new TextEncoder().encode(s));

  async function expectFailure(fs: ReturnType<typeof memoryFs>, match: object) {
    const before = tf.memory().numTensors;
    await expect(load('m', { fs })).rejects.toMatchObject(match);
    expect(tf.memory().numTensors).toBe(before);
  }

  it('missing weights.bin', async () => {
    const fs = await savedFs();
    fs.files.delete('m/weights.bin');
    await expectFailure(fs, {
      code: 'MISSING_FILE',
      file: 'm/weights.bin',
      message: expect.stringContaining('copy the whole folder'),
    });
  });

  it('missing rnnkit.json beside a model.json, and no folder at all', async () => {
    const fs = await savedFs();
    fs.files.delete('m/rnnkit.json');
    await expectFailure(fs, {
      code: 'MISSING_FILE',
      message: expect.stringContaining('plain TensorFlow.js model'),
    });
    await expect(load('nowhere', { fs })).rejects.toThrow(/there is no folder nowhere/);
  });

  it('truncated weights.bin', async () => {
    const fs = await savedFs();
    const w = fs.files.get('m/weights.bin')!;
    fs.files.set('m/weights.bin', w.slice(0, w.length - 10));
    await expectFailure(fs, {
      code: 'TRUNCATED',
      file: 'm/weights.bin',
      message: expect.stringContaining(
        `${w.length - 10} bytes but m/model.json's manifest needs ${w.length}`,
      ),
    });
  });

  it('malformed model.json and rnnkit.json', async () => {
    const fs = await savedFs();
    put(fs, 'm/model.json', '{"modelTopology": ');
    await expectFailure(fs, { code: 'MALFORMED', file: 'm/model.json' });
    const fs2 = await savedFs();
    put(fs2, 'm/rnnkit.json', 'not json');
    await expectFailure(fs2, { code: 'MALFORMED', file: 'm/rnnkit.json' });
    put(
      fs2,
      'm/rnnkit.json',
      JSON.stringify({ format: 'rnnkit-model', formatVersion: 1, task: 'x' }),
    );
    await expectFailure(fs2, { code: 'MALFORMED', message: expect.stringContaining('topology') });
  });

  it('a future format version', async () => {
    const fs = await savedFs();
    put(
      fs,
      'm/rnnkit.json',
      JSON.stringify({ ...JSON.parse(text(fs, 'm/rnnkit.json')), formatVersion: 99 }),
    );
    await expectFailure(fs, {
      code: 'FUTURE_VERSION',
      file: 'm/rnnkit.json',
      message: expect.stringContaining('upgrade @rnnkit/models'),
    });
  });

  it('weights that disagree with the layers (renamed weight, changed units)', async () => {
    const fs = await savedFs();
    const json = JSON.parse(text(fs, 'm/model.json'));
    json.weightsManifest[0].weights[1].name = 'renamed/kernel';
    put(fs, 'm/model.json', JSON.stringify(json));
    await expectFailure(fs, {
      code: 'WEIGHTS_MISMATCH',
      message: expect.stringContaining("'renamed/kernel' belongs to no layer"),
    });
    const fs2 = await savedFs();
    const json2 = JSON.parse(text(fs2, 'm/model.json'));
    const dense = json2.modelTopology.config.layers.find(
      (l: { name: string }) => l.name === 'logits',
    );
    dense.config.units = V + 1;
    put(fs2, 'm/model.json', JSON.stringify(json2));
    await expectFailure(fs2, {
      code: 'WEIGHTS_MISMATCH',
      message: expect.stringMatching(/logits\/kernel.*\[8,6\].*\[8,7\]/),
    });
  });

  it('migrates a v0 rnnkit.json (fixture: the flat v0 layout)', async () => {
    const fs = await savedFs();
    const v0 = await readFile(new URL('./fixtures/rnnkit-v0.json', import.meta.url), 'utf8');
    put(fs, 'm/rnnkit.json', v0);
    const loaded = await load('m', { fs });
    expect(loaded.meta).toMatchObject({
      formatVersion: 1,
      task: 'text-generation',
      topology: { builder: 'manyToMany', args: { cell: 'lstm', units: 8, classes: 6 } },
      training: { config: { epochs: 3, batchSize: 16 }, metrics: { loss: 1.25, bitsPerChar: 1.8 } },
    });
    expect(loaded.vocab).toBeNull();
    loaded.model.dispose();
  });
});

describe('URLs and IOHandlers (the browser path)', () => {
  it('carries rnnkit.json in userDefinedMetadata through any IOHandler', async () => {
    const model = lm('lstm', 4);
    let stored: tf.io.ModelArtifacts | undefined;
    const memory: tf.io.IOHandler = {
      save: async (a) => {
        stored = a;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
      },
    };
    await save(model, memory, meta);
    expect((stored!.userDefinedMetadata as { rnnkit: { task: string } }).rnnkit.task).toBe(
      meta.task,
    );
    const loaded = await load(tf.io.fromMemory(stored!));
    expectClose(predict(loaded.model), predict(model));
    expect(loaded.vocab!.tokens).toEqual(vocab.tokens);
    // truncated weights through a handler
    const cut = {
      ...stored!,
      weightData: tf.io.CompositeArrayBuffer.join(stored!.weightData!).slice(0, 8),
    };
    await expect(load(tf.io.fromMemory(cut))).rejects.toMatchObject({ code: 'TRUNCATED' });
    const plain = { ...stored!, userDefinedMetadata: {} };
    await expect(load(tf.io.fromMemory(plain))).rejects.toThrow(/no rnnkit metadata/);
    loaded.model.dispose();
    model.dispose();
  });

  it('loads a saved folder served over http (rnnkit.json fetched beside model.json)', async () => {
    const model = lm('rnn', 6);
    const dir = join(tmp, 'served');
    await save(model, dir, meta);
    const served: string[] = [];
    vi.stubGlobal('fetch', async (url: string | URL | Request) => {
      const path = new URL(String(url)).pathname; // /models/served/<file>
      served.push(path);
      try {
        const body = await readFile(join(dir, path.split('/').pop()!));
        return new Response(body, { status: 200 });
      } catch {
        return new Response('not found', { status: 404 });
      }
    });
    try {
      const loaded = await load('http://example.test/models/served/model.json');
      expectClose(predict(loaded.model), predict(model));
      expect(loaded.meta.task).toBe(meta.task);
      expect(served).toContain('/models/served/rnnkit.json');
      loaded.model.dispose();
    } finally {
      vi.unstubAllGlobals();
      model.dispose();
    }
  });

  it('a URL scheme with no handler here says what works', async () => {
    const model = lm('rnn');
    await expect(save(model, 'indexeddb://m', meta)).rejects.toMatchObject({
      code: 'NO_HANDLER',
      message: expect.stringContaining('in Node give a folder path'),
    });
    model.dispose();
  });

  it('parseRnnkitJSON rejects what is not an rnnkit document', () => {
    expect(() => parseRnnkitJSON('[]', 'x.json')).toThrow(
      /x.json is not a valid rnnkit.json: expected a JSON object/,
    );
    expect(() => parseRnnkitJSON('{"formatVersion":"1"}', 'x.json')).toThrow(
      /integer formatVersion/,
    );
  });
});
