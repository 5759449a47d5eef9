/**
 * Live: Keras-trained task models (scripts/keras_fixtures.py `tasks`, one Python process) imported
 * as rnnkit tasks with what the user supplies, and their task predictions against Keras's own:
 * two forecasters (z-scores with the model's window; min-max into [-1, 1] of seasonal
 * differences, a free window and 3 steps at once) forecasting 12 steps recursively, and two
 * classifiers on TextVectorization ids (a softmax head over 3 labels; a one-unit sigmoid) scoring
 * held-out texts, all within 1e-5; the artifacts saved and restored by `loadTask` agree too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { save } from '@rnnkit/models';
import { type Classifier, type Forecaster, loadTask, pipeline } from '@rnnkit/tasks';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livePython, runPython } from '../test-python.js';
import { importKeras } from './import.js';
import { type ScalerSpec, vocabFromList } from './task.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/keras_fixtures.py', import.meta.url));
const RUN = `import runpy; runpy.run_path(${JSON.stringify(SCRIPT)}, run_name='__main__')`;
const TOL = 1e-5;

interface Made {
  held_out: string[];
  tasks: Record<
    string,
    { scaler?: ScalerSpec; forecast?: number[]; labels?: string[]; probabilities?: number[][] }
  >;
}

const maxAbsDiff = (a: readonly number[], b: readonly number[]) => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
};

const py = livePython();

describe.skipIf(py === null)('Keras task models as rnnkit tasks (live)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-keras-tasks-'));
  let made: Made;
  let series: number[];
  let vocab: ReturnType<typeof vocabFromList>;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    runPython(py!, RUN, ['tasks', dir]);
    made = JSON.parse(readFileSync(join(dir, 'tasks.json'), 'utf8')) as Made;
    series = JSON.parse(readFileSync(join(dir, 'series.json'), 'utf8')) as number[];
    vocab = vocabFromList(JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8')) as string[]);
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const forecasts: [string, Record<string, unknown>][] = [
    ['forecaster_z', {}],
    ['forecaster_mm', { seqLength: 8, season: 12 }],
  ];
  it.each(forecasts)('%s forecasts 12 steps as Keras does, within 1e-5', async (name, extra) => {
    const k = made.tasks[name]!;
    const imported = await importKeras(join(dir, `${name}.keras`), {
      task: 'forecasting',
      scaler: k.scaler!,
      history: series,
      ...extra,
    });
    const f = pipeline('forecasting').restore(imported) as Forecaster;
    const mine = Array.from(f.forecast(12));
    const d = maxAbsDiff(mine, k.forecast!);
    process.stdout.write(`${name}: 12-step forecast max |diff| ${d.toExponential(1)}\n`);
    expect(d).toBeLessThanOrEqual(TOL);
    // saved as an artifact and restored by loadTask: the same forecast, from the kept tail
    const out = join(dir, `${name}-artifact`);
    await save(imported.model, out, imported.meta);
    const back = (await loadTask(out)) as Forecaster;
    expect(maxAbsDiff(Array.from(back.forecast(12)), k.forecast!)).toBeLessThanOrEqual(TOL);
    back.dispose();
    f.dispose();
  });

  it.each(['classifier_softmax', 'classifier_sigmoid'])(
    '%s gives Keras probabilities on held-out texts within 1e-5',
    async (name) => {
      const k = made.tasks[name]!;
      const imported = await importKeras(join(dir, `${name}.keras`), {
        task: 'classification',
        vocab,
        labels: k.labels!,
      });
      const c = pipeline('classification').restore(imported) as Classifier;
      const before = tf.memory().numTensors;
      const preds = c.predict(made.held_out);
      expect(tf.memory().numTensors).toBe(before);
      const d = maxAbsDiff(
        preds.flatMap((p) => p.probabilities),
        k.probabilities!.flat(),
      );
      process.stdout.write(`${name}: probabilities max |diff| ${d.toExponential(1)}\n`);
      expect(d).toBeLessThanOrEqual(TOL);
      preds.forEach((p, i) => {
        const row = k.probabilities![i]!;
        expect(p.label).toBe(k.labels![row.indexOf(Math.max(...row))]);
      });
      const out = join(dir, `${name}-artifact`);
      await save(imported.model, out, imported.meta);
      const back = (await loadTask(out)) as Classifier;
      const again = back.predict(made.held_out).flatMap((p) => p.probabilities);
      expect(maxAbsDiff(again, k.probabilities!.flat())).toBeLessThanOrEqual(TOL);
      back.dispose();
      c.dispose();
    },
  );
});
