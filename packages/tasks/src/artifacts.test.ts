/**
 * Artifacts saved by an earlier build load and predict the same numbers: fixtures/<task>/ were
 * written, and fixtures/golden.json computed, by fixtures/make-fixtures.mjs at commit 4c85ed8
 * (before the task table and the task folders). An artifact whose `task` is one of a task's older
 * names (the table's aliases, or its name in code) restores that task too.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setRecurrenceEngine } from '@rnnkit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACT_TASKS, TASK_NAMES, TASK_TABLE } from './task-table.js';
import { type LoadedTask, loadTask } from './tasks.js';
import { useCpu, withTempDir } from './test-helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** What each task computes from its artifact (as fixtures/make-fixtures.mjs does). */
function use(task: LoadedTask): unknown {
  switch (task.task) {
    case 'text-generation':
      return task.generate({ prime: 'the ', length: 30, seed: 5 });
    case 'classification':
      return task.predict(['good day', 'bad day']);
    case 'conditional-generation':
      return task.generate('it', { count: 3, seed: 5 });
    case 'seq2seq':
      return task.predict(['abc', 'ba']);
    case 'forecasting':
      return Array.from(task.forecast(3));
  }
}

const golden = JSON.parse(await readFile(join(fixtures, 'golden.json'), 'utf8')) as Record<
  string,
  unknown
>;

describe('artifacts saved before the task table', () => {
  // the golden numbers are the JS/wasm kernel's, compared exactly; the native engine
  // (@rnnkit/native) agrees within 1e-5 (packages/models/src/fast/native.test.ts)
  beforeAll(() => setRecurrenceEngine('wasm'));
  afterAll(() => setRecurrenceEngine('auto'));

  it.each(ARTIFACT_TASKS)('%s loads and predicts what it predicted when saved', async (name) => {
    await useCpu();
    const task = await loadTask(join(fixtures, name));
    try {
      expect(task.task).toBe(name);
      expect(use(task)).toEqual(golden[name]);
    } finally {
      task.dispose();
    }
  });

  it.each(TASK_NAMES.flatMap((key) => [key, ...TASK_TABLE[key].aliases].map((old) => [old, key])))(
    'an artifact of task %j restores %s',
    async (old, key) => {
      await useCpu();
      const name = TASK_TABLE[key as keyof typeof TASK_TABLE].name;
      await withTempDir(async (dir) => {
        await cp(join(fixtures, name), dir, { recursive: true });
        const meta = JSON.parse(await readFile(join(dir, 'rnnkit.json'), 'utf8'));
        await writeFile(join(dir, 'rnnkit.json'), JSON.stringify({ ...meta, task: old }));
        const task = await loadTask(dir);
        try {
          expect(task.task).toBe(name);
          expect(use(task)).toEqual(golden[name]);
        } finally {
          task.dispose();
        }
      });
    },
  );
});
