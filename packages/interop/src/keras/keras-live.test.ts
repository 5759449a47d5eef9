/**
 * The live Keras round trip: Keras 3 itself (the pinned environment of scripts/python-env.mjs)
 * builds every architecture of scripts/keras_fixtures.py (every supported layer and option, and
 * the Keras guides' four quick-start models at reduced size), rnnkit imports each and must give
 * Keras's outputs (from the .keras file and from the legacy .h5 file); rnnkit exports each (as imported, and after 50 fine-tuning steps with
 * @rnnkit/training) and Keras must load it and give rnnkit's outputs. Two Python processes in all
 * (build, check): TensorFlow takes seconds to import.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTrainer } from '@rnnkit/training';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livePython, runPython } from '../test-python.js';
import { exportKeras } from './export.js';
import { importKeras } from './import.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/keras_fixtures.py', import.meta.url));
const RUN = `import runpy; runpy.run_path(${JSON.stringify(SCRIPT)}, run_name='__main__')`;
/**
 * At least 12 architectures plus the 4 guide models (the floor), two masked
 * encoder-decoders whose states start the decoder (initial_state with mask_zero), and an
 * unmasked recurrent branch beside a masked one.
 */
const ARCHITECTURES = 22;
const TOL = 1e-5;
/**
 * The architectures whose rnnkit model tfjs-layers' own `model.save` writes with Keras layers
 * only (a bidirectional layer returning sequences is saved with rnnkit's ReverseTime, which is
 * not a Keras layer): the tensorflowjs converter's Python is not installable here, so its
 * format (tfjs_layers_model) is tested with the files tfjs writes.
 */
const TFJS_SAVED = 17;

interface Spec {
  inputs: unknown[];
  dtypes: string[];
  outputs: unknown;
}

export function maxAbsDiff(a: unknown, b: unknown): number {
  const fa = [a].flat(Number.POSITIVE_INFINITY) as number[];
  const fb = [b].flat(Number.POSITIVE_INFINITY) as number[];
  if (fa.length !== fb.length) return Number.POSITIVE_INFINITY;
  return fa.reduce((m, v, i) => Math.max(m, Math.abs(v - (fb[i] as number))), 0);
}

function inputsOf(spec: Spec): tf.Tensor[] {
  return spec.inputs.map((x, i) =>
    tf.tensor(x as number[], undefined, spec.dtypes[i]?.startsWith('int') ? 'int32' : 'float32'),
  );
}

/**
 * The model as tfjs-layers' `model.save` writes it (model.json and its weights shard), and the
 * same under the converter's `model_config` nesting; null when the topology holds a layer
 * that is not Keras's.
 */
async function tfjsFiles(model: tfl.LayersModel, dir: string): Promise<string[] | null> {
  mkdirSync(dir, { recursive: true });
  let files: string[] | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const manifest = [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs }];
      if (!JSON.stringify(a.modelTopology).includes('rnnkit>')) {
        writeFileSync(
          join(dir, 'group1-shard1of1.bin'),
          new Uint8Array(a.weightData as ArrayBuffer),
        );
        const write = (name: string, topology: unknown) =>
          writeFileSync(
            join(dir, name),
            JSON.stringify({
              format: 'layers-model',
              modelTopology: topology,
              weightsManifest: manifest,
            }),
          );
        write('model.json', a.modelTopology);
        write('converted.json', {
          keras_version: '3.15.1',
          backend: 'tensorflow',
          model_config: a.modelTopology,
        });
        files = [join(dir, 'model.json'), join(dir, 'converted.json')];
      }
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return files;
}

function predict(model: tfl.LayersModel, xs: tf.Tensor[]): unknown {
  const y = model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor;
  const v = y.arraySync();
  y.dispose();
  return v;
}

/** 50 Adam steps towards a random target shaped like the output (single-input models). */
function fineTune(model: tfl.LayersModel, xs: tf.Tensor[]): void {
  const trainer = createTrainer(model, {
    loss: 'meanSquaredError',
    optimizer: { type: 'adam', learningRate: 0.02 },
    fuseHead: false,
  });
  const out = model.predict(xs[0]!) as tf.Tensor;
  const y = tf.randomNormal(out.shape, 0, 1, 'float32', 7);
  out.dispose();
  for (let i = 0; i < 50; i++) trainer.step({ x: xs[0]!, y });
  trainer.dispose();
  y.dispose();
}

const py = livePython();

describe.skipIf(py === null)('Keras 3 round trip (live)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-keras-live-'));
  const rows: Record<
    string,
    { imported: number; tfjs?: number; exported?: number; tuned?: number; classes?: string[] }
  > = {};
  let names: string[] = [];

  beforeAll(async () => {
    await tf.setBackend('cpu');
    runPython(py!, RUN, ['build', dir]);
    names = readdirKeras(dir);
    for (const name of names) {
      const spec = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Spec;
      const xs = inputsOf(spec);
      const { model } = await importKeras(join(dir, `${name}.keras`));
      const mine = predict(model, xs);
      // the legacy HDF5 file of the same model (model.save('m.h5')), read by layer name
      const legacy = await importKeras(join(dir, `${name}.h5`));
      rows[name] = {
        imported: Math.max(
          maxAbsDiff(mine, spec.outputs),
          maxAbsDiff(predict(legacy.model, xs), spec.outputs),
        ),
      };
      legacy.model.dispose();
      // the tfjs_layers_model files of the same model (tfjs's save; the converter's nesting)
      const saved = await tfjsFiles(model, join(dir, `${name}.tfjs`));
      if (saved) {
        let d = 0;
        for (const file of saved) {
          const back = await importKeras(file);
          d = Math.max(d, maxAbsDiff(predict(back.model, xs), spec.outputs));
          back.model.dispose();
        }
        rows[name].tfjs = d;
      }
      await exportKeras(model, join(dir, `${name}.rnnkit.keras`));
      writeFileSync(join(dir, `${name}.rnnkit.json`), JSON.stringify({ ...spec, outputs: mine }));
      if (xs.length === 1) {
        fineTune(model, xs);
        const tuned = predict(model, xs);
        rows[name].tuned = maxAbsDiff(tuned, mine) > 1e-3 ? 0 : Number.NaN; // it moved
        await exportKeras(model, join(dir, `${name}__tuned.rnnkit.keras`));
        writeFileSync(
          join(dir, `${name}__tuned.rnnkit.json`),
          JSON.stringify({ ...spec, outputs: tuned }),
        );
      }
      model.dispose();
      tf.dispose(xs);
    }
    runPython(py!, RUN, ['check', dir]);
    const keras = JSON.parse(readFileSync(join(dir, 'keras-out.json'), 'utf8')) as Record<
      string,
      { outputs: unknown; classes: string[] }
    >;
    for (const [key, k] of Object.entries(keras)) {
      const spec = JSON.parse(readFileSync(join(dir, `${key}.rnnkit.json`), 'utf8')) as Spec;
      const [name, tuned] = key.split('__');
      const row = rows[name!]!;
      const d = maxAbsDiff(k.outputs, spec.outputs);
      if (tuned) row.tuned = Number.isNaN(row.tuned) ? Number.NaN : d;
      else {
        row.exported = d;
        row.classes = k.classes;
      }
    }
    const line = (n: string, r: (typeof rows)[string]) =>
      `${n}: import ${r.imported.toExponential(1)}, tfjs model.json ${r.tfjs?.toExponential(1) ?? '-'}, export ${r.exported?.toExponential(1)}, tuned ${r.tuned?.toExponential(1)}`;
    process.stdout.write(
      `keras live round trip, max |diff|:\n${Object.entries(rows)
        .map(([n, r]) => line(n, r))
        .join('\n')}\n`,
    );
  }, 900_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('covers at least 12 architectures and the four guide models', () => {
    expect(names.length).toBe(ARCHITECTURES);
    expect(names.filter((n) => n.startsWith('guide_'))).toHaveLength(4);
  });

  it('Keras (.keras and legacy .h5) -> rnnkit gives Keras outputs within 1e-5', () => {
    for (const [name, r] of Object.entries(rows)) expect(r.imported, name).toBeLessThanOrEqual(TOL);
  });

  it("tfjs_layers_model files (tfjs's save, the converter's nesting) of the Keras models import within 1e-5", () => {
    const saved = Object.entries(rows).filter(([, r]) => r.tfjs !== undefined);
    expect(saved.length).toBeGreaterThanOrEqual(TFJS_SAVED);
    for (const [name, r] of saved) expect(r.tfjs, name).toBeLessThanOrEqual(TOL);
  });

  it('rnnkit -> Keras: Keras loads the export and gives rnnkit outputs within 1e-5', () => {
    for (const [name, r] of Object.entries(rows)) expect(r.exported, name).toBeLessThanOrEqual(TOL);
  });

  it('Keras -> rnnkit -> fine-tune 50 steps -> Keras agrees within 1e-5', () => {
    const tuned = Object.entries(rows).filter(([, r]) => r.tuned !== undefined);
    expect(tuned.length).toBeGreaterThanOrEqual(ARCHITECTURES - 4); // four models have two inputs
    for (const [name, r] of tuned) expect(r.tuned, name).toBeLessThanOrEqual(TOL);
  });

  it('exports a bidirectional stack as a real Bidirectional layer', () => {
    expect(rows['bidi_sum_masked']?.classes).toContain('Bidirectional');
    expect(rows['bidi_ave_stacked']?.classes).toContain('Bidirectional');
  });
});

function readdirKeras(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.keras') && !f.includes('.rnnkit.'))
    .map((f) => f.slice(0, -'.keras'.length))
    .sort();
}
