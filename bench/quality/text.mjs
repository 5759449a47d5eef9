// quality.text.bpc: a char LM on Moby-Dick with the task's defaults, bits per char on the last 5%
// (held out). Bar: <= 2.3 (a unigram model is about 4.4).
import { mobyDick, splitText } from '@rnnkit/datasets';
import { textGeneration } from '@rnnkit/tasks';
import { BUDGET_S, bench, hooks, init, OPTIONS, seconds } from './common.mjs';
import { weightDeltas } from './weights.mjs';

await init('text');
const book = await mobyDick();
const { train, test } = splitText(book.data, { test: 0.05 });
const t0 = Date.now();
const run = hooks();
const lm = await textGeneration.train(train, { timeBudgetSeconds: BUDGET_S, ...OPTIONS }, run);
const trainS = seconds(t0);
run.report('text');
const { bitsPerChar } = lm.evaluate(test);
console.error(
  `# sample: ${JSON.stringify(lm.generate({ prime: 'The whale ', length: 120, temperature: 0.7, seed: 1 }))}`,
);
bench('text.bpc', bitsPerChar);
bench('text.train_seconds', Number(trainS), 's');
console.error(`# bar: bpc <= 2.3: ${bitsPerChar <= 2.3 ? 'met' : 'NOT met'}`);
await weightDeltas('text', lm, (t) => t.evaluate(test).bitsPerChar);
lm.dispose();
