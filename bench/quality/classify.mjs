// quality.classify.accuracy: sentiment of the 3000 UCI sentences (amazon, imdb, yelp), seeded
// 80/20 split, the task's defaults; beside it a bag-of-words logistic regression trained here on
// the same split. Bar: accuracy >= 0.78.
import { sentimentSentences } from '@rnnkit/datasets';
import { classification } from '@rnnkit/tasks';
import { BUDGET_S, bench, hooks, init, seconds, seededSplit } from './common.mjs';
import { weightDeltas } from './weights.mjs';

const SEED = 42;
await init('classify');
const rows = (await sentimentSentences()).data.map((r) => ({ text: r.text, label: r.label }));
const { train, test } = seededSplit(rows, 0.2, SEED);

// Baseline: binary bag of words (lowercased, letters and apostrophes), logistic regression with
// L2, full-batch gradient descent.
const words = (t) => [...new Set(t.toLowerCase().match(/[a-z']+/g) ?? [])];
const index = new Map();
for (const r of train) for (const w of words(r.text)) if (!index.has(w)) index.set(w, index.size);
const feats = (t) =>
  words(t)
    .map((w) => index.get(w))
    .filter((i) => i !== undefined);
const X = train.map((r) => feats(r.text));
const w = new Float64Array(index.size);
let b = 0;
const lr = 0.5;
const l2 = 1e-4;
for (let epoch = 0; epoch < 300; epoch++) {
  const g = new Float64Array(index.size);
  let gb = 0;
  X.forEach((f, i) => {
    let z = b;
    for (const j of f) z += w[j];
    const err = 1 / (1 + Math.exp(-z)) - train[i].label;
    for (const j of f) g[j] += err;
    gb += err;
  });
  for (let j = 0; j < w.length; j++) w[j] -= lr * (g[j] / X.length + l2 * w[j]);
  b -= (lr * gb) / X.length;
}
let right = 0;
for (const r of test) {
  let z = b;
  for (const j of feats(r.text)) z += w[j];
  if ((z > 0 ? 1 : 0) === r.label) right++;
}
const baseline = right / test.length;

const t0 = Date.now();
const clf = await classification.train(train, { timeBudgetSeconds: BUDGET_S, seed: SEED }, hooks());
const trainS = seconds(t0);
const { accuracy } = clf.evaluate(test);
bench('classify.accuracy', accuracy);
bench('classify.baseline_accuracy', baseline);
bench('classify.train_seconds', Number(trainS), 's');
console.error(
  `# bar: accuracy >= 0.78: ${accuracy >= 0.78 ? 'met' : 'NOT met'} (baseline ${baseline.toFixed(3)})`,
);
await weightDeltas('classify', clf, (t) => t.evaluate(test).accuracy);
clf.dispose();
