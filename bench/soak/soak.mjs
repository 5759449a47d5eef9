// Soak benchmark (issue 12): does a long run leak? Trains a small char language model (LSTM(32),
// one-hot input over a 40-symbol vocab, seqLength 16, batch 16, Adam 3e-3, clipNorm 5) for
// 20 000 steps through @rnnkit/training's train(), then generates 100 000 characters from it
// with @rnnkit/models' generate() in 1000-character calls. Every 1000 steps (and every 1000
// characters) it prints the tensor count and the RSS:
//   BENCH soak.train.tensors <n> @<step>      BENCH soak.train.rss_mb <MB> @<step>
//   BENCH soak.generate.tensors <n> @<chars>  BENCH soak.generate.rss_mb <MB> @<chars>
// and at the end the growth after warm-up (the largest sample minus the sample at the end of
// warm-up: step 2000 for training, 10 000 characters for generation) and the tensor drift:
//   BENCH soak.train.rss_growth_mb, soak.train.tensor_drift, soak.generate.rss_growth_mb,
//   soak.generate.tensor_drift, soak.train.seconds, soak.generate.seconds
// Target: rss growth within 50 MB, tensor drift 0. Exits 1 when a target is missed.
// Last figures: bench/soak/README.md.
// Env: SOAK_STEPS (default 20000), SOAK_CHARS (default 100000), SOAK_BACKEND (default wasm).
// Run: pnpm bench:soak   (builds, then: nice -n 10 node --expose-gc bench/soak/soak.mjs)
import { generate, manyToMany, recurrenceEngine } from '@rnnkit/models';
import { setup, train } from '@rnnkit/training';
import { nextTokenWindows } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';

const STEPS = Number(process.env.SOAK_STEPS ?? 20_000);
const CHARS = Number(process.env.SOAK_CHARS ?? 100_000);
const EVERY = 1000;
const WARMUP_STEPS = Math.min(2000, STEPS / 10);
const WARMUP_CHARS = Math.min(10_000, CHARS / 10);
const VOCAB = 40;

await setup({
  backend: process.env.SOAK_BACKEND ?? 'wasm',
  logger: (l) => console.error(`# ${l}`),
});
// the recurrence engine soaked: native (@rnnkit/native, where it loads) or wasm (RNNKIT_NATIVE=0)
const engine = recurrenceEngine();
console.error(
  `# engine: ${engine.engine}${engine.isa ? ` (${engine.isa}, ${engine.threads} threads)` : ''}`,
);
const rssMb = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss / 2 ** 20;
};
const bench = (name, value, unit = '') =>
  console.log(
    `BENCH ${name} ${Number.isInteger(value) ? value : value.toFixed(1)}${unit ? ` ${unit}` : ''}`,
  );

// a seeded pseudo-text: 50 000 ids with some structure (a repeating phrase plus noise)
let s = 1;
const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
const ids = new Int32Array(50_000);
for (let i = 0; i < ids.length; i++)
  ids[i] = rand() < 0.8 ? (i * 7) % VOCAB : Math.floor(rand() * VOCAB);
const windows = nextTokenWindows(ids, { seqLength: 16, stride: 3 });

const { model } = manyToMany({
  cell: 'lstm',
  units: 32,
  classes: VOCAB,
  input: { type: 'oneHot', vocabSize: VOCAB },
  seed: 0,
});

/** Samples every EVERY units; returns { growth, drift } after warm-up. */
function tracker(kind, warmup) {
  let base;
  let peak = 0;
  let tensors0;
  let drift = 0;
  return {
    sample(at) {
      const n = tf.memory().numTensors;
      const rss = rssMb();
      console.log(`BENCH soak.${kind}.tensors ${n} @${at}`);
      console.log(`BENCH soak.${kind}.rss_mb ${rss.toFixed(1)} @${at}`);
      if (at >= warmup) {
        if (base === undefined) {
          base = rss;
          tensors0 = n;
        }
        peak = Math.max(peak, rss);
        if (n !== tensors0) drift++;
      }
    },
    result: () => ({ growth: base === undefined ? 0 : peak - base, drift }),
  };
}

const t = tracker('train', WARMUP_STEPS);
const t0 = performance.now();
const history = await train(model, windows, {
  loss: 'sparseCategoricalCrossentropy',
  optimizer: { type: 'adam', learningRate: 3e-3 },
  clipNorm: 5,
  steps: STEPS,
  batchSize: 16,
  seed: 1,
  callbacks: {
    onStepEnd(p) {
      if (p.step % EVERY === 0 || p.step === WARMUP_STEPS) {
        t.sample(p.step);
        console.error(`# step ${p.step} loss ${p.loss.toFixed(3)}`);
      }
    },
  },
});
const trainSeconds = (performance.now() - t0) / 1000;
const tr = t.result();
bench('soak.train.steps', history.steps);
bench('soak.train.final_loss', history.loss.at(-1) ?? Number.NaN);
bench('soak.train.seconds', trainSeconds, 's');
bench('soak.train.rss_growth_mb', tr.growth, 'MB');
bench('soak.train.tensor_drift', tr.drift);

const g = tracker('generate', WARMUP_CHARS);
const g0 = performance.now();
let made = 0;
let last = [1];
while (made < CHARS) {
  const n = Math.min(EVERY, CHARS - made);
  const { generations } = generate(model, {
    prompts: [last],
    maxLength: n,
    seed: made,
    temperature: 0.8,
  });
  const tokens = generations[0].tokens;
  made += tokens.length;
  last = tokens.slice(-8);
  g.sample(made);
}
const gr = g.result();
bench('soak.generate.chars', made);
bench('soak.generate.seconds', (performance.now() - g0) / 1000, 's');
bench('soak.generate.rss_growth_mb', gr.growth, 'MB');
bench('soak.generate.tensor_drift', gr.drift);
model.dispose();
const ok = tr.growth <= 50 && gr.growth <= 50 && tr.drift === 0 && gr.drift === 0;
console.error(
  `# soak ${ok ? 'passed' : 'FAILED'}: rss growth within 50 MB and no tensor drift after warm-up`,
);
process.exit(ok ? 0 : 1);
