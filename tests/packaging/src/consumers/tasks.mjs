// @rnnkit/tasks: train a tiny text model, generate, save to a folder, load it back with loadTask
// and generate the same (the job itself is tiny-lm.mjs, which the browser test runs too).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEXT, tinyLm } from './tiny-lm.mjs';

const dir = await mkdtemp(join(tmpdir(), 'rnnkit-tasks-'));
try {
  const r = await tinyLm(join(dir, 'lm'));
  assert.equal(r.reloaded, r.text, 'the loaded task generates what the trained one did');
  assert.equal(r.leaked, 0, 'no tensor left behind');
  assert.ok(r.bitsPerChar < 1, `learned the text: ${r.bitsPerChar} bits/char`);
  const chars = new Set(TEXT);
  assert.ok(
    [...r.text].every((c) => chars.has(c)),
    `only the text's characters: ${r.text}`,
  );
  console.log(
    `tasks ok: ${r.defaults}; ${r.bitsPerChar.toFixed(3)} bits/char; ${JSON.stringify(r.text)}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
