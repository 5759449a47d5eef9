// quality.words.perplexity: a word-level LM (textGeneration, unit 'word') on Moby-Dick with the
// task's defaults, perplexity per word on the last 5% (held out), beside
// quality.words.bigram_perplexity: a smoothed bigram model on the same words and the same vocab
// (the LM's maxVocab cap, rarer words as <unk>), computed here. Bar: the LM below the bigram.
//
// The bigram: Jelinek-Mercer interpolation with an add-one unigram,
//   P(w | v) = lambda * c(v, w) / c(v) + (1 - lambda) * (c(w) + 1) / (N + V)
// (c(v, w) / c(v) taken as 0 when v was never seen before a word), lambda chosen from
// 0.05 .. 0.95 by perplexity on a validation slice (the last 5% of the training text, counted
// without it), then the counts redone on the whole training text. It scores the same targets as
// the LM's evaluate: every held-out word after the first.
import { mobyDick, splitText } from '@rnnkit/datasets';
import { textGeneration } from '@rnnkit/tasks';
import { BUDGET_S, bench, hooks, init, OPTIONS, seconds } from './common.mjs';
import { weightDeltas } from './weights.mjs';

/** The interpolated bigram's counts over `ids` (vocab of `V` ids). */
function counts(ids, V) {
  const uni = new Float64Array(V);
  const ctx = new Float64Array(V);
  const pairs = new Map();
  for (let i = 0; i < ids.length; i++) {
    uni[ids[i]]++;
    if (i > 0) {
      ctx[ids[i - 1]]++;
      const k = ids[i - 1] * V + ids[i];
      pairs.set(k, (pairs.get(k) ?? 0) + 1);
    }
  }
  return { uni, ctx, pairs, N: ids.length, V };
}

/** Perplexity of the bigram with weight `lambda` on `ids` (targets ids[1..]). */
function bigramPerplexity(c, lambda, ids) {
  let nats = 0;
  for (let i = 1; i < ids.length; i++) {
    const v = ids[i - 1];
    const w = ids[i];
    const pUni = (c.uni[w] + 1) / (c.N + c.V);
    const pBi = c.ctx[v] > 0 ? (c.pairs.get(v * c.V + w) ?? 0) / c.ctx[v] : 0;
    nats -= Math.log(lambda * pBi + (1 - lambda) * pUni);
  }
  return Math.exp(nats / (ids.length - 1));
}

await init('words');
const book = await mobyDick();
const { train, test } = splitText(book.data, { test: 0.05 });
const t0 = Date.now();
const run = hooks();
const lm = await textGeneration.train(
  train,
  { unit: 'word', timeBudgetSeconds: BUDGET_S, ...OPTIONS },
  run,
);
const trainS = seconds(t0);
run.report('words');
const { perplexity, words } = lm.evaluate(test);

const V = lm.vocab.size;
const fit = splitText(train, { test: 0.05 });
const tuneCounts = counts(lm.vocab.encode(fit.train), V);
const valIds = lm.vocab.encode(fit.test);
let best = { lambda: 0, ppl: Number.POSITIVE_INFINITY };
for (let l = 0.05; l < 0.96; l += 0.05) {
  const ppl = bigramPerplexity(tuneCounts, l, valIds);
  if (ppl < best.ppl) best = { lambda: l, ppl };
}
const bigram = bigramPerplexity(
  counts(lm.vocab.encode(train), V),
  best.lambda,
  lm.vocab.encode(test),
);
console.error(
  `# bigram: lambda ${best.lambda.toFixed(2)} (validation perplexity ${best.ppl.toFixed(1)}); vocab ${V} words`,
);
console.error(
  `# sample: ${JSON.stringify(lm.generate({ prime: 'the whale', length: 30, temperature: 0.8, seed: 1 }))}`,
);
bench('words.perplexity', perplexity);
bench('words.bigram_perplexity', bigram);
bench('words.eval_words', words);
bench('words.vocab', V);
bench('words.train_seconds', Number(trainS), 's');
console.error(`# bar: perplexity < bigram: ${perplexity < bigram ? 'met' : 'NOT met'}`);
await weightDeltas('words', lm, (t) => t.evaluate(test).perplexity);
lm.dispose();
