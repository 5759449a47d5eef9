// The speed workloads through rnnkit's public API, what a user writes: the topology builders
// (manyToMany / manyToOne) trained by createTrainer().step or train(), and statefulLM/generate for
// generation. Same data, shapes, optimizer and learning rates as w1.mjs / w2.mjs / w3.mjs, whose
// `fast` variants are hand-wired loops over the kernels (the floor this path should reach).
//
// Usage: node bench/speed/api.mjs w1 <lstm|gru|rnn> <units> [threads 1|2|auto]
//        node bench/speed/api.mjs w2
//        node bench/speed/api.mjs w3
// RNNKIT_NATIVE=0 keeps the wasm engine where @rnnkit/native would load.
// Prints one RESULT line (common.mjs report()) named `w1.<cell><units>.api`, `w2.api`, `w3.api`,
// with `cpuMsPerStep` (process.cpuUsage over the timed runs: it moves far less than wall time on a
// loaded machine). W1: char LM, ids -> manyToMany(oneHot input) -> sparse CE, Adam 2e-3, GRU with
// resetAfter false (what stock builds). W2: manyToOne(features, regression head) -> MSE, Adam 1e-3,
// one train() call, epochs timed by onEpochEnd. W3: generate() from the W1 LSTM 256 model, 1000
// characters, batch of one.
import {
  generate,
  manyToMany,
  recurrenceEngine,
  setRecurrenceThreads,
  statefulLM,
} from '@rnnkit/models';
import { train } from '@rnnkit/training';
import * as tf from '@tensorflow/tfjs-core';
import {
  measure,
  QUICK,
  report,
  useWasm,
  W1_RUN_SECONDS,
  W1_WARMUP,
  W1_WARMUP_SECONDS,
} from './common.mjs';
import { W1, W2, w1Ids, w1Trainer, w2Model, w2Windows } from './workloads.mjs';

const [workload = 'w1', ...rest] = process.argv.slice(2);
await useWasm();

/** The recurrence engine the run used ('native' with @rnnkit/native, else 'wasm'), and its ISA. */
const engineOf = () => {
  const e = recurrenceEngine();
  return { engine: e.engine, isa: e.isa, engineReason: e.reason };
};

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

if (workload === 'w1') {
  const [cell = 'lstm', unitsArg = '256', threads = 'auto', input = 'onehot'] = rest;
  setRecurrenceThreads(threads === 'auto' ? 'auto' : Number(threads));
  const units = Number(unitsArg);
  const embed = input === 'embed';
  const { vocab, seqLength, batch, embedDims } = W1;
  const width = embed ? embedDims : vocab; // x_t's width
  const gates = { lstm: 4, gru: 3, rnn: 1 }[cell];
  const { trainer } = w1Trainer(cell, units, {}, embed);
  // The same batches as w1.mjs, as the ids a user's data gives (x, y int32 [batch, time]).
  const batches = w1Ids().map(({ x, y }) => ({
    x: tf.tensor2d(x, [batch, seqLength], 'int32'),
    y: tf.tensor2d(y, [batch, seqLength], 'int32'),
  }));
  let i = 0;
  let stepsDone = 0;
  const step = () => {
    trainer.step(batches[i++ % batches.length]);
    stepsDone++;
  };
  const opts = {
    runs: QUICK ? 2 : 3,
    steps: QUICK ? 4 : 10,
    runSeconds: W1_RUN_SECONDS,
    work: batch * seqLength,
  };
  // warm-up outside measure() so that cpuMsPerStep counts the timed runs only
  await measure(step, { warmup: W1_WARMUP, warmupSeconds: W1_WARMUP_SECONDS, runs: 0 });
  const t0 = cpuMs();
  const before = stepsDone;
  const rates = await measure(step, { ...opts, warmup: 0 });
  const cpuMsPerStep = (cpuMs() - t0) / (stepsDone - before);
  report(`w1.${cell}${units}${embed ? '.embed' : ''}.api`, rates, {
    flopsPerStep:
      3 * 2 * batch * seqLength * (width * gates * units + units * gates * units + units * vocab),
    cpuMsPerStep,
    tensors: tf.memory().numTensors,
    ...engineOf(),
  });
} else if (workload === 'w2') {
  const { windows, window, batch } = W2;
  const { xs, ys } = w2Windows();
  const model = w2Model();
  const x = tf.tensor3d(xs, [windows, window, 1]);
  const y = tf.tensor2d(ys, [windows, 1]);
  // One train() call (the tutorial's model.fit), epochs timed between onEpochEnd callbacks:
  // `warm` warm-up epochs, then `runs` timed runs of `per` epochs each. Epochs 1-3 of a fresh
  // process ran 20-40% slower than the later ones here (JIT tiers, heap growth: about 200 steps
  // of cold code), so 1 warm-up epoch and runs of 2 left cold epochs in the median; 5 warm-up
  // epochs (315 steps) and runs of 4 epochs (252 steps each) time the steady state.
  const warm = QUICK ? 1 : 5;
  const runs = QUICK ? 2 : 3;
  const per = QUICK ? 1 : 4;
  const marks = [];
  const cpuMarks = [];
  marks.push(performance.now());
  cpuMarks.push(cpuMs());
  await train(
    model,
    { x, y },
    {
      loss: 'meanSquaredError',
      optimizer: { type: 'adam', learningRate: 1e-3 },
      epochs: warm + runs * per,
      batchSize: batch,
      shuffle: true,
      seed: 5,
      callbacks: {
        onEpochEnd: () => {
          marks.push(performance.now());
          cpuMarks.push(cpuMs());
        },
      },
    },
  );
  const rates = [];
  for (let r = 0; r < runs; r++) {
    const a = warm + r * per;
    rates.push(per / ((marks[a + per] - marks[a]) / 1000));
  }
  const steps = Math.ceil(windows / batch);
  const cpuMsPerStep = (cpuMarks[cpuMarks.length - 1] - cpuMarks[warm]) / (runs * per * steps);
  tf.dispose([x, y]);
  report('w2.api', rates, { cpuMsPerStep, tensors: tf.memory().numTensors, ...engineOf() });
} else if (workload === 'w3') {
  const vocab = 65;
  const units = 256;
  const chars = QUICK ? 300 : 1000;
  const { model } = manyToMany({
    cell: 'lstm',
    units,
    classes: vocab,
    input: { type: 'oneHot', vocabSize: vocab },
    seed: 1,
  });
  // One stepper reused across runs (weights read once), as a generating app keeps it.
  // STEP_ENGINE=js|tfjs picks statefulLM's engine (default 'auto', what generate() uses)
  const lm = statefulLM(model, process.env.STEP_ENGINE ? { engine: process.env.STEP_ENGINE } : {});
  let seed = 9;
  const gen = () => {
    generate(lm, { prompts: [[0]], maxLength: chars, seed: seed++ });
  };
  const t0 = cpuMs();
  const rates = await measure(gen, { warmup: 1, runs: QUICK ? 2 : 3, steps: 1, work: chars });
  const cpuMsPerChar = (cpuMs() - t0) / ((1 + (QUICK ? 2 : 3)) * chars);
  lm.dispose();
  report('w3.api', rates, { cpuMsPerChar, tensors: tf.memory().numTensors, ...engineOf() });
} else {
  console.error(`unknown workload '${workload}': expected w1, w2 or w3`);
  process.exit(2);
}
