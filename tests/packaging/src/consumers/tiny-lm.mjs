// The same small job in Node and in the browser page (browser.test.ts compares the two): train a
// tiny character model with @rnnkit/tasks on the cpu backend, generate with a seed, save to
// `location`, load it back with loadTask and generate again. Returns plain JSON.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getRecurrenceKernel, referenceRecurrence } from '@rnnkit/models';
import { loadTask, textGeneration } from '@rnnkit/tasks';

export const TEXT = 'the cat sat on the mat. '.repeat(20);
export const GENERATE = { prime: 'the ', length: 24, temperature: 0.5, seed: 1 };

export async function tinyLm(location) {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  const start = tf.memory().numTensors;
  const lines = [];
  const lm = await textGeneration.train(
    TEXT,
    {
      cell: 'gru',
      units: 16,
      seqLength: 12,
      epochs: 20,
      batchSize: 16,
      learningRate: 0.02,
      seed: 0,
    },
    { logger: (line) => lines.push(line) },
  );
  const text = lm.generate(GENERATE);
  const { bitsPerChar } = lm.evaluate(TEXT.slice(0, 120));
  await lm.save(location);
  lm.dispose();
  const again = await loadTask(location);
  const reloaded = again.generate(GENERATE);
  again.dispose();
  return {
    backend: tf.getBackend(),
    // the package's entry installs the fast kernel: a bundler that skips it leaves the reference one
    fastKernel: getRecurrenceKernel() !== referenceRecurrence,
    defaults: lines[0] ?? '',
    bitsPerChar,
    text,
    reloaded,
    leaked: tf.memory().numTensors - start,
  };
}
