// Keras interop figures: exportKeras and importKeras of a 2-layer LSTM(512) character model
// (vocab 65, embedding 64, seeded random weights: 3.3 M parameters), in memory (the .keras bytes;
// no disk), on the cpu backend; medians of 3 rounds after a warm-up. Also what the format
// libraries add: the install size of h5wasm and fflate (their package folders) and the time to
// import them and start h5wasm's WebAssembly module (measured first, in this fresh process).
// Run: node bench/packages/interop-keras.bench.mjs   (after `pnpm build`)
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Library cost first, before anything else loads them: the packages as @rnnkit/interop has them.
const interopDir = dirname(dirname(fileURLToPath(import.meta.resolve('@rnnkit/interop'))));
const packageDir = (name) => realpathSync(join(interopDir, 'node_modules', name));
const entry = (name) => {
  const pkg = JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8'));
  const e = pkg.exports['.'];
  return pathToFileURL(
    join(packageDir(name), typeof e === 'string' ? e : (e.import.default ?? e.import)),
  ).href;
};
const t0 = now();
const h5wasm = (await import(entry('h5wasm'))).default;
await h5wasm.ready;
const h5Ms = now() - t0;
const t1 = now();
await import(entry('fflate'));
const fflateMs = now() - t1;

/** The size in bytes of a folder, recursively. */
const size = (d) =>
  readdirSync(d, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? size(join(d, e.name)) : statSync(join(d, e.name)).size),
    0,
  );
const h5Bytes = size(packageDir('h5wasm'));
const fflateBytes = size(packageDir('fflate'));

const { importKeras, kerasBytes } = await import('@rnnkit/interop');
const { manyToMany } = await import('@rnnkit/models');
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-cpu');
await tf.setBackend('cpu');

const { model } = manyToMany({
  cell: 'lstm',
  units: 512,
  layers: 2,
  classes: 65,
  input: { type: 'embedding', vocabSize: 65, dims: 64 },
  seed: 1,
});
const params = model.countParams();
const exportMs = [];
const importMs = [];
let bytes = await kerasBytes(model); // warm-up
(await importKeras({ bytes, name: 'bench.keras' })).model.dispose();
for (let r = 0; r < 3; r++) {
  const a = now();
  bytes = await kerasBytes(model);
  exportMs.push(now() - a);
  const b = now();
  const back = await importKeras({ bytes, name: 'bench.keras' });
  importMs.push(now() - b);
  back.model.dispose();
}
model.dispose();
const mb = (n) => (n / 1e6).toFixed(2);
console.log(`BENCH interop.keras.export_ms ${median(exportMs).toFixed(0)} ms`);
console.log(`BENCH interop.keras.import_ms ${median(importMs).toFixed(0)} ms`);
console.log(`BENCH interop.keras.model_params ${params}`);
console.log(`BENCH interop.keras.file_mb ${mb(bytes.length)} MB`);
console.log(`BENCH interop.keras.install_mb ${mb(h5Bytes + fflateBytes)} MB`);
console.log(`BENCH interop.keras.h5wasm_install_mb ${mb(h5Bytes)} MB`);
console.log(`BENCH interop.keras.fflate_install_mb ${mb(fflateBytes)} MB`);
console.log(`BENCH interop.keras.h5wasm_import_ms ${h5Ms.toFixed(0)} ms`);
console.log(`BENCH interop.keras.fflate_import_ms ${fflateMs.toFixed(0)} ms`);
