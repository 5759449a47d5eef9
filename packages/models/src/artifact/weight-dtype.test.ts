import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { manyToMany } from '../topologies/many-to-many.js';
import { load } from './load.js';
import { save } from './save.js';
import type { ArtifactMeta } from './schema.js';
import { type MemoryFs, memoryFs } from './test-memory-fs.js';
import { encodeWeights, quantizeInt8, toHalfBits } from './weight-dtype.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

const meta: ArtifactMeta = {
  task: 'text-generation',
  topology: { builder: 'manyToMany', args: { units: 8 } },
};
const V = 7;
const lm = (seed = 1) =>
  manyToMany({
    cell: 'lstm',
    units: 8,
    classes: V,
    input: { type: 'embedding', vocabSize: V, dims: 5 },
    seed,
  }).model;

const weightsOf = (m: tfl.LayersModel) =>
  new Map(m.weights.map((w) => [w.originalName, Array.from(w.read().dataSync())]));
const shapesOf = (m: tfl.LayersModel) =>
  new Map(m.weights.map((w) => [w.originalName, w.shape as number[]]));
const text = (fs: MemoryFs, p: string) => new TextDecoder().decode(fs.files.get(p)!);
const json = (fs: MemoryFs, p: string) => JSON.parse(text(fs, p));
const setJson = (fs: MemoryFs, p: string, v: unknown) =>
  fs.files.set(p, new TextEncoder().encode(JSON.stringify(v)));

/** Stock tfjs on the two files, as a browser or a converter reads them (no rnnkit code). */
function stockLoad(fs: MemoryFs, dir: string): Promise<tfl.LayersModel> {
  const modelJson = json(fs, `${dir}/model.json`);
  const bin = fs.files.get(`${dir}/weights.bin`)!;
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: bin.slice().buffer,
    }),
  );
}

/** float16 bits -> number (the IEEE 754 definition; independent of the encoder). */
function halfValue(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 0x1f) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

describe('toHalfBits', () => {
  it('encodes the IEEE 754 half values (script: the definitions of binary16)', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff); // largest half
    expect(toHalfBits(65520)).toBe(0x7c00); // rounds past it: Infinity
    expect(toHalfBits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toHalfBits(2 ** -26)).toBe(0x0000); // below half of it: zero
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to even
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toHalfBits(Number.NaN) & 0x7c00).toBe(0x7c00);
    expect(toHalfBits(-0)).toBe(0x8000);
  });

  it('is within 2^-11 relative error in the normal range (property)', () => {
    fc.assert(
      fc.property(
        fc.float({ min: Math.fround(6.2e-5), max: 65000, noNaN: true }),
        fc.boolean(),
        (v, neg) => {
          const x = neg ? -v : v;
          expect(Math.abs(halfValue(toHalfBits(x)) - x)).toBeLessThanOrEqual(
            Math.abs(x) * 2 ** -11,
          );
        },
      ),
    );
  });

  it("tfjs's own float16 decoder reads what it writes", () => {
    const values = new Float32Array([0.1, -3.25, 1e-3, 700.5, 0]);
    const { specs, data } = encodeWeights(
      [{ name: 'w', shape: [5], dtype: 'float32' }],
      values.slice().buffer,
      'float16',
    );
    const decoded = tf.io.decodeWeights(data, specs);
    const got = decoded['w']!.dataSync();
    for (const [i, v] of values.entries()) {
      expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 5e-4);
    }
    decoded['w']!.dispose();
  });
});

describe('quantizeInt8', () => {
  it('keeps every weight within scale/2 of its channel, scale = max |w| / 127 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.float({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 60 }),
        (channels, raw) => {
          // a channel whose max / 127 underflows float32 (|w| < 1e-36) keeps scale 0: not drawn
          const kept = raw.slice(0, raw.length - (raw.length % channels));
          const values = Float32Array.from(kept, (v) => (Math.abs(v) < 1e-30 ? 0 : v));
          if (values.length === 0) return;
          const { codes, scales } = quantizeInt8(values, channels);
          for (let c = 0; c < channels; c++) {
            let max = 0;
            for (let i = c; i < values.length; i += channels) {
              max = Math.max(max, Math.abs(values[i]!));
            }
            expect(scales[c]).toBeCloseTo(max / 127, 6);
          }
          values.forEach((v, i) => {
            const s = scales[i % channels]!;
            expect(Math.abs(codes[i]! * s - v)).toBeLessThanOrEqual(s / 2 + 1e-6 * Math.abs(v));
            expect(Math.abs(codes[i]!)).toBeLessThanOrEqual(127);
          });
        },
      ),
    );
  });
});

describe('save(..., { weights }) and load', () => {
  it('float32 (the default) writes the same weights.bin as tfjs and records float32', async () => {
    const model = lm();
    const fs = memoryFs();
    const doc = await save(model, 'a', meta, { fs });
    expect(doc.weights).toEqual({ dtype: 'float32' });
    const manifest = json(fs, 'a/model.json').weightsManifest[0].weights;
    expect(manifest.every((w: { quantization?: unknown }) => w.quantization === undefined)).toBe(
      true,
    );
    let tfjsBytes: Uint8Array | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        tfjsBytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!));
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
      }),
    );
    expect(fs.files.get('a/weights.bin')).toEqual(tfjsBytes);
    model.dispose();
  });

  it('float16: half the bytes, each weight within 2^-11 relative, stock tfjs loads it', async () => {
    const model = lm(2);
    const fs = memoryFs();
    await save(model, 'h', meta, { fs });
    await save(model, 'h16', meta, { fs, weights: 'float16' });
    expect(json(fs, 'h16/rnnkit.json').weights).toEqual({ dtype: 'float16' });
    const manifest = json(fs, 'h16/model.json').weightsManifest[0].weights;
    for (const w of manifest) expect(w.quantization).toEqual({ dtype: 'float16' });
    expect(fs.files.get('h16/weights.bin')!.length * 2).toBe(fs.files.get('h/weights.bin')!.length);
    const loaded = await load('h16', { fs });
    const stock = await stockLoad(fs, 'h16');
    const want = weightsOf(model);
    for (const m of [loaded.model, stock]) {
      for (const [name, got] of weightsOf(m)) {
        want.get(name)!.forEach((v, i) => {
          expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 1e-7);
        });
      }
    }
    // rnnkit's load and stock tfjs read the same numbers
    expect(weightsOf(stock)).toEqual(weightsOf(loaded.model));
    for (const m of [loaded.model, stock, model]) m.dispose();
  });

  it('int8: a byte per weight and a scale per channel, within scale/2 per weight, biases exact', async () => {
    const model = lm(3);
    const fs = memoryFs();
    await save(model, 'f', meta, { fs });
    const doc = await save(model, 'q', meta, { fs, weights: 'int8' });
    expect(doc.weights).toEqual({ dtype: 'int8' });
    expect(json(fs, 'q/rnnkit.json').weights).toEqual({ dtype: 'int8' });
    const manifest = json(fs, 'q/model.json').weightsManifest[0].weights;
    for (const w of manifest) {
      expect(w.quantization).toEqual(w.shape.length >= 2 ? { dtype: 'int8' } : undefined);
    }
    // a byte per weight of rank >= 2 plus a float32 scale per channel; biases stay float32
    const shapes = shapesOf(model);
    const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const want = [...shapes.values()].reduce(
      (n, s) => n + (s.length >= 2 ? size(s) + 4 * s.at(-1)! : 4 * size(s)),
      0,
    );
    expect(fs.files.get('q/weights.bin')!.length).toBe(want);
    const loaded = await load('q', { fs });
    const before = weightsOf(model);
    for (const [name, got] of weightsOf(loaded.model)) {
      const w = before.get(name)!;
      const shape = shapes.get(name)!;
      if (shape.length < 2) {
        expect(got).toEqual(w);
        continue;
      }
      const channels = shape.at(-1)!;
      const { scales } = quantizeInt8(Float32Array.from(w), channels);
      w.forEach((v, i) => {
        expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(scales[i % channels]! / 2 + 1e-7);
      });
    }
    loaded.model.dispose();
    model.dispose();
  });

  it('int8: stock tfjs refuses it with its own error instead of loading wrong numbers', async () => {
    const model = lm(4);
    const fs = memoryFs();
    await save(model, 'q', meta, { fs, weights: 'int8' });
    await expect(stockLoad(fs, 'q')).rejects.toThrow(/int8/);
    model.dispose();
  });

  it('leaks no tensor over repeated float16 and int8 saves and loads', async () => {
    const model = lm(5);
    const fs = memoryFs();
    const before = tf.memory().numTensors;
    for (const weights of ['float16', 'int8', 'float16', 'int8'] as const) {
      await save(model, 'm', meta, { fs, weights });
      (await load('m', { fs })).model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('an unknown weights option is a BAD_OPTION listing the choices', async () => {
    const model = lm(6);
    await expect(
      save(model, 'x', meta, { fs: memoryFs(), weights: 'bfloat16' as never }),
    ).rejects.toMatchObject({
      code: 'BAD_OPTION',
      message: expect.stringMatching(/'float32', 'float16', 'int8'.*bfloat16/),
    });
    model.dispose();
  });
});

describe('through an IOHandler (the browser path: IndexedDB, local storage)', () => {
  it('int8 and float16 artifacts round-trip with their dtype in the carried rnnkit.json', async () => {
    const model = lm(9);
    const want = weightsOf(model);
    for (const weights of ['float16', 'int8'] as const) {
      let stored: tf.io.ModelArtifacts | undefined;
      await save(
        model,
        {
          save: async (a) => {
            stored = a;
            return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
          },
        },
        meta,
        { weights },
      );
      const loaded = await load(tf.io.fromMemory(stored!));
      expect(loaded.meta.weights).toEqual({ dtype: weights });
      for (const [name, got] of weightsOf(loaded.model)) {
        const w = want.get(name)!;
        const tol = Math.max(...w.map(Math.abs)) / (weights === 'int8' ? 127 : 1024);
        for (const [i, v] of w.entries()) expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(tol);
      }
      loaded.model.dispose();
    }
    model.dispose();
  });
});

describe('older and untrusted artifacts', () => {
  it('a float32 artifact without weights in rnnkit.json (written before it) loads unchanged', async () => {
    const model = lm(7);
    const fs = memoryFs();
    await save(model, 'old', meta, { fs });
    const { weights: _, ...older } = json(fs, 'old/rnnkit.json');
    setJson(fs, 'old/rnnkit.json', older);
    const loaded = await load('old', { fs });
    expect(loaded.meta.weights).toBeUndefined();
    expect(weightsOf(loaded.model)).toEqual(weightsOf(model));
    loaded.model.dispose();
    model.dispose();
  });

  /** Saves an int8 artifact, applies `edit`, and expects load to throw `code` matching `message`. */
  async function refused(
    edit: (fs: MemoryFs) => void,
    message: RegExp,
    code = 'MALFORMED',
    weights: 'int8' | 'float16' = 'int8',
  ) {
    const model = lm(8);
    const fs = memoryFs();
    await save(model, 'm', meta, { fs, weights });
    model.dispose();
    edit(fs);
    const before = tf.memory().numTensors;
    await expect(load('m', { fs })).rejects.toMatchObject({ code, message });
    expect(tf.memory().numTensors).toBe(before);
  }
  const editManifest = (fs: MemoryFs, f: (w: Record<string, unknown>[]) => void) => {
    const m = json(fs, 'm/model.json');
    f(m.weightsManifest[0].weights);
    setJson(fs, 'm/model.json', m);
  };

  it('rnnkit.json weights.dtype not one of the three', async () => {
    for (const weights of [{ dtype: 'int4' }, 'int8', { dtype: null }, []]) {
      await refused(
        (fs) => setJson(fs, 'm/rnnkit.json', { ...json(fs, 'm/rnnkit.json'), weights }),
        /weights: \{ dtype: 'float32' \| 'float16' \| 'int8' \}/,
      );
    }
  });

  it('rnnkit.json declaring float32 over an int8 or float16 manifest', async () => {
    for (const weights of ['int8', 'float16'] as const) {
      await refused(
        (fs) =>
          setJson(fs, 'm/rnnkit.json', {
            ...json(fs, 'm/rnnkit.json'),
            weights: { dtype: 'float32' },
          }),
        new RegExp(`declares weights.dtype 'float32' but .* holds ${weights}`),
        'MALFORMED',
        weights,
      );
    }
  });

  it('a manifest quantization that is unknown, on the wrong dtype or rank, or lacks its scale', async () => {
    const edits: ((w: Record<string, unknown>[]) => void)[] = [
      (w) => (w[0]!['quantization'] = { dtype: 'int4' }),
      (w) => (w[0]!['quantization'] = 'int8'),
      (w) => (w[0]!['dtype'] = 'int32'),
      (w) => {
        const bias = w.find((x) => (x['shape'] as number[]).length === 1)!;
        bias['quantization'] = { dtype: 'int8' };
      },
      (w) => (w[0]!['quantization'] = { dtype: 'uint8' }),
    ];
    for (const e of edits) {
      await refused((fs) => editManifest(fs, e), /which a weights file cannot hold here/);
    }
  });

  it('an int8 scale that is NaN, infinite or negative', async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      await refused((fs) => {
        const m = json(fs, 'm/model.json').weightsManifest[0].weights;
        const first = m[0];
        const n = first.shape.reduce((a: number, b: number) => a * b, 1);
        const bin = fs.files.get('m/weights.bin')!.slice();
        new DataView(bin.buffer).setFloat32(n, bad, true); // channel 0's scale of weight 0
        fs.files.set('m/weights.bin', bin);
      }, /int8 scale .* for channel 0, expected a finite number >= 0/);
    }
  });

  it('an int8 weights.bin cut short', async () => {
    await refused(
      (fs) => {
        const bin = fs.files.get('m/weights.bin')!;
        fs.files.set('m/weights.bin', bin.slice(0, bin.length - 3));
      },
      /cut short/,
      'TRUNCATED',
    );
  });
});
