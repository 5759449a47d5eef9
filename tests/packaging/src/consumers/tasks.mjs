// @rnnkit/tasks: train a tiny text model, generate, save, load it back and generate the same.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTask, textGeneration } from '@rnnkit/tasks';
import { setup } from '@rnnkit/training';

await setup({ backend: 'cpu' });
const text = 'the cat sat on the mat. '.repeat(20);
const lines = [];
const lm = await textGeneration.train(
  text,
  { units: 16, seqLength: 12, epochs: 3, batchSize: 16, seed: 0 },
  { logger: (line) => lines.push(line) },
);
const args = { prime: 'the ', length: 20, temperature: 0.5, seed: 1 };
const out = lm.generate(args);
assert.ok(out.length > 0, 'generate() gave no text');
const { bitsPerChar } = lm.evaluate(text.slice(0, 120));
assert.ok(Number.isFinite(bitsPerChar));
const dir = await mkdtemp(join(tmpdir(), 'rnnkit-tasks-'));
try {
  await lm.save(join(dir, 'lm'));
  const again = await loadTask(join(dir, 'lm'));
  assert.equal(again.task, 'text-generation');
  assert.equal(again.generate(args), out);
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(`tasks ok: ${lines[0]}; ${bitsPerChar.toFixed(3)} bits/char; ${JSON.stringify(out)}`);
