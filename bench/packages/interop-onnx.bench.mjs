// ONNX figures (issue 23): W3 (1000 characters generated one at a time from a 1-layer LSTM(256)
// char model, vocab 65, seeded random weights: bench/speed/w3.mjs) with the exported step model
// on onnxruntime-node (CPU, `onnxGenerate`: one session.run per character, the state fed back),
// beside rnnkit's own W3 (`generate` with the default step engine on the wasm backend) on the same
// model, prompt, seed and sampling; and the time `exportOnnx` takes to write that model.
// Medians of 3 interleaved rounds. Run: node bench/packages/interop-onnx.bench.mjs (after
// `pnpm build`).
import { exportOnnx, onnxGenerate, readOnnxMetadata } from '@rnnkit/interop';
import { generate } from '@rnnkit/models';
import * as ort from 'onnxruntime-node';
import { useWasm, w3Model } from './w3-model.mjs';

const CHARS = 1000;
const ROUNDS = 3;
const PROMPT = [1, 2, 3];
const SAMPLING = { maxLength: CHARS, seed: 1 };

await useWasm();
const model = w3Model();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => Number(process.hrtime.bigint()) / 1e9;

const bytes = exportOnnx(model, { step: true });
const states = JSON.parse(readOnnxMetadata(bytes)['rnnkit.states']);
// one thread: a step is a [1, 256] x [256, 1024] product, too small to share across cores
const session = await ort.InferenceSession.create(bytes, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
});
await onnxGenerate(session, ort.Tensor, states, { prompt: PROMPT, maxLength: 20, seed: 0 });
generate(model, { prompts: [PROMPT], maxLength: 20, seed: 0 }); // warm-up

const onnxRate = [];
const rnnkitRate = [];
const exportMs = [];
let same = true;
for (let r = 0; r < ROUNDS; r++) {
  let t0 = now();
  const a = await onnxGenerate(session, ort.Tensor, states, { prompt: PROMPT, ...SAMPLING });
  onnxRate.push(CHARS / (now() - t0));
  t0 = now();
  const b = generate(model, { prompts: [PROMPT], ...SAMPLING }).generations[0].tokens;
  rnnkitRate.push(CHARS / (now() - t0));
  if (a.length !== CHARS || a.join() !== b.join()) same = false;
  t0 = now();
  exportOnnx(model, { step: true });
  exportMs.push((now() - t0) * 1000);
}
await session.release();
model.dispose();

console.log(`BENCH interop.onnx.w3_chars_per_s ${median(onnxRate).toFixed(0)} chars/s`);
console.log(`BENCH interop.onnx.rnnkit_w3_chars_per_s ${median(rnnkitRate).toFixed(0)} chars/s`);
console.log(
  `BENCH interop.onnx.w3_ratio_vs_rnnkit ${(median(onnxRate) / median(rnnkitRate)).toFixed(2)}`,
);
console.log(`BENCH interop.onnx.export_ms ${median(exportMs).toFixed(1)} ms`);
// the same tokens both ways (a check, not a figure)
if (!same) throw new Error('onnxruntime-node and rnnkit generated different tokens');
