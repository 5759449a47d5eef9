// quality.names.*: first names by language (gender-detection-from-name, names in one list only),
// seeded 90/10 split. The task's defaults train a generator on the training names; 200 names are
// generated per language. novel_share: generated names not in the training set (bar >= 0.8).
// language_share_ratio: the share of generated names that a classifier trained on the real
// training names assigns to the asked language, divided by that classifier's accuracy on the real
// held-out names (both averaged over languages; bar >= 0.8). The classifier is a char 1-3-gram
// naive Bayes with equal priors, trained here. Languages with fewer than 200 names (tr: 57) are
// left out: too few to learn or to measure.
import { namesByLanguage } from '@rnnkit/datasets';
import { conditionalGeneration } from '@rnnkit/tasks';
import { BUDGET_S, bench, hooks, init, seconds, seededSplit } from './common.mjs';
import { weightDeltas } from './weights.mjs';

const SEED = 42;
const PER_LANGUAGE = Number(process.env.RNNKIT_QUALITY_NAMES_PER_LANGUAGE ?? 200);
await init('names');
const ds = await namesByLanguage();
const languages = Object.entries(ds.counts)
  .filter(([, n]) => n >= 200)
  .map(([l]) => l)
  .sort();
const rows = ds.data
  .filter((r) => languages.includes(r.language))
  .map((r) => ({ text: r.name.toLowerCase(), condition: r.language }));
const { train, test } = seededSplit(rows, 0.1, SEED);

// char n-gram naive Bayes (add-one smoothing, equal priors)
const grams = (s) => {
  const p = `^${s}$`;
  const out = [];
  for (let n = 1; n <= 3; n++) for (let i = 0; i + n <= p.length; i++) out.push(p.slice(i, i + n));
  return out;
};
const counts = new Map(languages.map((l) => [l, new Map()]));
const totals = new Map(languages.map((l) => [l, 0]));
const vocab = new Set();
for (const r of train) {
  const c = counts.get(r.condition);
  for (const g of grams(r.text)) {
    c.set(g, (c.get(g) ?? 0) + 1);
    totals.set(r.condition, totals.get(r.condition) + 1);
    vocab.add(g);
  }
}
const classify = (s) => {
  let best = null;
  let bestScore = -Infinity;
  for (const l of languages) {
    const c = counts.get(l);
    const denom = Math.log(totals.get(l) + vocab.size);
    let score = 0;
    for (const g of grams(s)) score += Math.log((c.get(g) ?? 0) + 1) - denom;
    if (score > bestScore) [best, bestScore] = [l, score];
  }
  return best;
};
const recall = (pairs) => {
  const per = languages.map((l) => {
    const mine = pairs.filter((p) => p.asked === l);
    return mine.filter((p) => classify(p.text) === l).length / Math.max(1, mine.length);
  });
  return { mean: per.reduce((a, b) => a + b) / per.length, per };
};
const heldOut = recall(test.map((r) => ({ text: r.text, asked: r.condition })));

const t0 = Date.now();
const gen = await conditionalGeneration.train(
  train,
  { timeBudgetSeconds: BUDGET_S, seed: SEED },
  hooks(),
);
const trainS = seconds(t0);
const known = new Set(train.map((r) => r.text));
const made = [];
for (const l of languages) {
  for (const text of gen.generate(l, { count: PER_LANGUAGE, seed: SEED }))
    made.push({ text, asked: l });
}
const novel = made.filter((m) => m.text.length > 0 && !known.has(m.text)).length / made.length;
const share = recall(made);
const ratio = share.mean / heldOut.mean;
console.error(
  `# languages ${languages.join(' ')}; held-out accuracy per language ${heldOut.per.map((v) => v.toFixed(2)).join(' ')}; generated share per language ${share.per.map((v) => v.toFixed(2)).join(' ')}`,
);
for (const l of languages) {
  console.error(
    `# ${l}: ${made
      .filter((m) => m.asked === l)
      .slice(0, 8)
      .map((m) => m.text)
      .join(', ')}`,
  );
}
bench('names.novel_share', novel);
bench('names.language_share_ratio', ratio);
bench('names.language_share', share.mean);
bench('names.classifier_accuracy', heldOut.mean);
bench('names.train_seconds', Number(trainS), 's');
console.error(
  `# bars: novel_share >= 0.8: ${novel >= 0.8 ? 'met' : 'NOT met'}; ratio >= 0.8: ${ratio >= 0.8 ? 'met' : 'NOT met'}`,
);
await weightDeltas('names', gen, (t) => t.evaluate(test).bitsPerChar);
gen.dispose();
