/**
 * The merge layers `Add` and `Average` exported to ONNX (`Sum`, `Mean` over all their inputs):
 * onnxruntime-node gives tfjs's values.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';
import { floats, maxDiff, runOrt, tensorOf } from './test-ort.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('exportOnnx: merge layers', () => {
  for (const merge of ['add', 'average'] as const) {
    it(`${merge} of three branches agrees with tfjs`, async () => {
      const x = tfl.input({ shape: [4], name: 'tokens' });
      const branches = [0, 1, 2].map(
        (i) =>
          tfl.layers
            .dense({ units: 3, kernelInitializer: 'glorotUniform', name: `d${i}` })
            .apply(x) as tfl.SymbolicTensor,
      );
      const y = tfl.layers[merge]({ name: 'merged' }).apply(branches) as tfl.SymbolicTensor;
      const model = tfl.model({ inputs: x, outputs: y });
      const feed = floats([5, 4], 7);
      const want = tf.tidy(
        () => (model.predict(tensorOf(feed)) as tf.Tensor).dataSync() as Float32Array,
      );
      const got = (await runOrt(exportOnnx(model), { tokens: feed }))[model.outputNames[0]!]!;
      expect([...got.dims]).toEqual([5, 3]);
      expect(maxDiff(got.data, want)).toBeLessThan(1e-5);
      model.dispose();
    });
  }
});
