import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { it } from 'vitest';
import { exportKeras } from './export.js';
import { importKeras } from './import.js';

it('exports', async () => {
  await tf.setBackend('cpu');
  for (const f of ['/tmp/i21/a.keras', '/tmp/i21/b.keras']) {
    const { model } = await importKeras(f);
    await exportKeras(model, f.replace('.keras', '.out.keras'));
  }
});
