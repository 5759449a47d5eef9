// Models figures: stateful generation of 1000 characters from a 1-layer LSTM(256) char model
// (vocab 65, seeded random weights) on the wasm backend, and the same model re-run over a sliding
// window of the last 64 characters for every new one (tfjs-examples' way). Prints chars/s of the
// default step engine ('auto': 'fused' on wasm), of each engine ('js': Float32Array cells; 'tfjs':
// tfjs ops; 'fused': one matMul per layer and token, gates in JS), of the window re-run, the ratio of the default to the window re-run (target >= 10),
// and batched generation (32 prompts). Medians of 3 interleaved rounds;
// also CPU-time chars/s, steadier than wall time when other processes share the 2 cores.
// Run: node bench/packages/models.bench.mjs   (after `npx tsc -p tsconfig.build.json` in packages/models)
import { generate, statefulLM } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import { useWasm, VOCAB, w3Model } from './w3-model.mjs';

const CHARS = 1000;
const WINDOW = 64;
const WINDOW_TOKENS = 40; // the window re-run is slow: time this many tokens and scale
const ROUNDS = 3;

await useWasm();
const model = w3Model();
const idsInput = model.inputs[0].shape.length === 2; // ids [batch, time] (else one-hot vectors)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => Number(process.hrtime.bigint()) / 1e9;

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** [wall, cpu] chars/s of stateful generation with one engine (weights read once, untimed). */
function stateful(engine) {
  const lm = statefulLM(model, { engine });
  generate(lm, { prompts: [[1]], maxLength: 20, seed: 0 }); // warm-up
  const t0 = now();
  const c0 = cpu();
  const { generations } = generate(lm, { prompts: [[1, 2, 3]], maxLength: CHARS, seed: 1 });
  const s = now() - t0;
  const c = cpu() - c0;
  lm.dispose();
  if (generations[0].tokens.length !== CHARS) throw new Error('generation stopped early');
  return [CHARS / s, CHARS / c];
}

/** wall chars/s of generating 200 chars for each of 32 prompts at once (engine 'auto'). */
function batched() {
  const prompts = Array.from({ length: 32 }, (_, i) => [i % VOCAB]);
  const t0 = now();
  generate(model, { prompts, maxLength: 200, seed: 1 });
  return (32 * 200) / (now() - t0);
}

/** chars/s of re-running the model over the last WINDOW chars for every new char. */
function windowed() {
  const ids = Array.from({ length: WINDOW }, (_, i) => (i * 7) % VOCAB);
  const next = () =>
    tf.tidy(() => {
      const w = ids.slice(-WINDOW);
      const x = idsInput
        ? tf.tensor2d([w], [1, w.length], 'int32')
        : tf.oneHot(tf.tensor2d([w], [1, w.length], 'int32'), VOCAB);
      const y = model.predict(x); // [1, time, vocab]
      const last = tf.slice(y, [0, w.length - 1, 0], [1, 1, VOCAB]);
      return tf.argMax(tf.reshape(last, [VOCAB])).dataSync()[0];
    });
  next(); // warm-up
  const t0 = now();
  for (let i = 0; i < WINDOW_TOKENS; i++) ids.push(next());
  return WINDOW_TOKENS / (now() - t0);
}

const engines = ['auto', 'js', 'tfjs', 'fused'];
const wall = Object.fromEntries(engines.map((e) => [e, []]));
const cpuRate = Object.fromEntries(engines.map((e) => [e, []]));
const win = [];
const batch = [];
const tensors = tf.memory().numTensors;
for (let r = 0; r < ROUNDS; r++) {
  for (const e of engines) {
    const [w, c] = stateful(e);
    wall[e].push(w);
    cpuRate[e].push(c);
  }
  win.push(windowed());
  batch.push(batched());
}
if (tf.memory().numTensors !== tensors) throw new Error('tensors leaked during generation');
const fmt = (xs) => xs.map((v) => v.toFixed(0)).join(',');
const auto = statefulLM(model);
console.error(
  `# backend ${tf.getBackend()}, auto = ${auto.engine}; wall chars/s per round: ${engines.map((e) => `${e} ${fmt(wall[e])}`).join('; ')}; window ${win.map((v) => v.toFixed(1))}`,
);
auto.dispose();
const best = median(wall.auto);
console.log(`BENCH models.generate.chars_per_s ${best.toFixed(0)} chars/s`);
console.log(`BENCH models.generate.ratio_vs_window ${(best / median(win)).toFixed(1)}`);
for (const e of ['js', 'tfjs']) {
  console.log(
    `BENCH models.generate.${e}_engine_chars_per_s ${median(wall[e]).toFixed(0)} chars/s`,
  );
}
for (const e of engines) {
  const name = e === 'auto' ? 'cpu_chars_per_s' : `${e}_engine_cpu_chars_per_s`;
  console.log(`BENCH models.generate.${name} ${median(cpuRate[e]).toFixed(0)} chars/s`);
}
console.log(`BENCH models.generate.batch32_chars_per_s ${median(batch).toFixed(0)} chars/s`);
console.log(`BENCH models.generate.window_chars_per_s ${median(win).toFixed(1)} chars/s`);
model.dispose();
