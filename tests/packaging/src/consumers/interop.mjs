// @rnnkit/interop: a GRU model out to PyTorch's files and to a Keras 3 .keras (HDF5 weights through
// h5wasm's WebAssembly, as installed) and back with the same outputs, and out to ONNX (full and
// step models) with its metadata read back from the bytes. No Python, no ONNX runtime.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  exportOnnx,
  exportTorch,
  importKeras,
  importTorch,
  kerasBytes,
  onnxMetadata,
  readOnnxMetadata,
  readSafetensors,
  TORCH_FILES,
  writeSafetensors,
} from '@rnnkit/interop';
import { manyToOne } from '@rnnkit/models';

tf.env().set('PROD', true);
await tf.setBackend('cpu');
const { model } = manyToOne({
  cell: 'gru',
  units: 4,
  input: { type: 'features', features: 2 },
  head: { type: 'regression', outputs: 1 },
  seed: 0,
});
const x = tf.tensor3d(
  Float32Array.from({ length: 3 * 5 * 2 }, (_, i) => Math.cos(i)),
  [3, 5, 2],
);
const before = Array.from(model.predict(x).dataSync());
assert.ok(before.every(Number.isFinite));

const meta = { task: 'forecasting', topology: { builder: 'manyToOne', args: {} } };
const files = await exportTorch(model);
for (const f of [TORCH_FILES.model, TORCH_FILES.weights, TORCH_FILES.architecture]) {
  assert.ok(f in files, `exportTorch wrote ${f}`);
}
const tensors = readSafetensors(files[TORCH_FILES.weights]);
const names = Object.keys(tensors.tensors);
assert.ok(names.length > 0, 'weights.safetensors holds tensors');
assert.match(String(files[TORCH_FILES.model]), /class \w+\(nn\.Module\)/);
const back = await importTorch(files);
const after = Array.from(back.model.predict(x).dataSync());
assert.deepEqual(after, before, 'importTorch(exportTorch(model)) predicts exactly the same');
// what PyTorch's training would do: change the weights; here the head's bias (shape [1]) + 1
const [biasName] = names.filter((n) => tensors.tensors[n].shape.join() === '1');
assert.ok(biasName, `a head bias of shape [1] among ${names.join(', ')}`);
const trained = Object.fromEntries(
  names.map((n) => {
    const { shape, values } = tensors.tensors[n];
    return [n, { shape, values: n === biasName ? values.map((v) => v + 1) : values }];
  }),
);
const moved = await importTorch({ ...files, [TORCH_FILES.weights]: writeSafetensors(trained) });
const shifted = Array.from(moved.model.predict(x).dataSync());
assert.ok(
  shifted.every((v, i) => Math.abs(v - before[i] - 1) < 1e-5),
  'the imported weights are the ones in the file',
);

const keras = await kerasBytes(model);
const fromKeras = await importKeras({ bytes: keras, name: 'model.keras' });
const kerasOut = Array.from(fromKeras.model.predict(x).dataSync());
assert.deepEqual(kerasOut, before, 'importKeras(kerasBytes(model)) predicts exactly the same');

const bytes = exportOnnx(model, { metadata: onnxMetadata(meta) });
assert.ok(bytes instanceof Uint8Array && bytes.length > 100);
const read = readOnnxMetadata(bytes);
assert.equal(read['rnnkit.task'], 'forecasting');
assert.deepEqual(JSON.parse(read['rnnkit.topology']), meta.topology);
const step = exportOnnx(model, { step: true });
assert.ok(step.length > 100);
assert.throws(() => readOnnxMetadata(Uint8Array.of(0xff, 0xff, 0xff)), { name: 'InteropError' });
console.log(
  `interop ok: torch round trip [${after.map((v) => v.toFixed(4)).join(', ')}] (${names.length} tensors), keras ${keras.length} bytes round trip, onnx ${bytes.length} bytes (step ${step.length}), metadata ${Object.keys(read).sort().join(', ')}`,
);
