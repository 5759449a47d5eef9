// quality.seq2seq.*: grapheme to phoneme on CMUdict (first pronunciation, stress stripped), a
// seeded 90/10 split of the words; the task's defaults (attention), beam search (width 4) on a
// seeded sample of the held-out words (RNNKIT_QUALITY_SEQ2SEQ_EVAL, default 1000; beam decoding
// runs one word at a time). Bars: per <= 0.15 and word_accuracy >= 0.40.
import { cmuDict } from '@rnnkit/datasets';
import { seq2seq } from '@rnnkit/tasks';
import { BUDGET_S, bench, hooks, init, OPTIONS, seconds, seededSplit } from './common.mjs';
import { weightDeltas } from './weights.mjs';

const SEED = 42;
const EVAL = Number(process.env.RNNKIT_QUALITY_SEQ2SEQ_EVAL ?? 1000);
await init('seq2seq');
const dict = (await cmuDict({ stress: false })).data;
const rows = dict.map((r) => ({ source: r.word, target: r.phonemes }));
const { train, test } = seededSplit(rows, 0.1, SEED);
const t0 = Date.now();
const run = hooks();
const g2p = await seq2seq.train(
  train,
  { timeBudgetSeconds: BUDGET_S, seed: SEED, ...OPTIONS },
  run,
);
const trainS = seconds(t0);
run.report('seq2seq');
const sample = test.slice(0, EVAL); // the split is already a seeded permutation
const greedy = g2p.evaluate(sample);
const t1 = Date.now();
const beam = g2p.evaluate(sample, { beamWidth: 4 });
console.error(
  `# scored on ${sample.length} of the ${test.length} held-out words (a seeded sample: beam decoding runs one word at a time); beam decoding ${seconds(t1)}s; greedy per ${greedy.tokenErrorRate.toFixed(4)}, word accuracy ${greedy.wordAccuracy.toFixed(4)}`,
);
for (const s of ['whale', 'ishmael', 'harpooneer']) {
  console.error(`# ${s}: ${g2p.predict([s], { beamWidth: 4 })[0].text}`);
}
bench('seq2seq.per', beam.tokenErrorRate);
bench('seq2seq.word_accuracy', beam.wordAccuracy);
bench('seq2seq.greedy_per', greedy.tokenErrorRate);
bench('seq2seq.greedy_word_accuracy', greedy.wordAccuracy);
bench('seq2seq.eval_words', sample.length);
bench('seq2seq.train_seconds', Number(trainS), 's');
console.error(
  `# bars: per <= 0.15: ${beam.tokenErrorRate <= 0.15 ? 'met' : 'NOT met'}; word_accuracy >= 0.40: ${beam.wordAccuracy >= 0.4 ? 'met' : 'NOT met'}`,
);
await weightDeltas('seq2seq', g2p, (t) => t.evaluate(sample, { beamWidth: 4 }).tokenErrorRate);
g2p.dispose();
