/**
 * `rnnkit train <task>` takes each task by its name in the task table (kebab-case) and by the
 * older names the CLI used (`text`, `classify`, `forecast`, `names`), and a run started under one
 * name resumes under another.
 */
import { TASK_NAMES, TASK_TABLE } from '@rnnkit/tasks/table';
import { describe, expect, it } from 'vitest';
import { checkTask, TRAIN_TASKS } from './checked.js';
import { resumedOptions } from './resume.js';

describe('the task names of rnnkit train', () => {
  it('are the task table: each kebab-case name, then its older names', () => {
    expect(TRAIN_TASKS).toEqual([
      'text-generation',
      'text',
      'classification',
      'classify',
      'forecasting',
      'forecast',
      'conditional-generation',
      'names',
      'seq2seq',
    ]);
  });

  it.each([
    ['text', 'textGeneration'],
    ['text-generation', 'textGeneration'],
    ['classify', 'classification'],
    ['classification', 'classification'],
    ['forecast', 'forecasting'],
    ['forecasting', 'forecasting'],
    ['names', 'conditionalGeneration'],
    ['conditional-generation', 'conditionalGeneration'],
    ['seq2seq', 'seq2seq'],
  ])('%s trains %s', (name, key) => {
    expect(checkTask(name)).toBe(key);
  });

  it('takes no camelCase name (the CLI speaks kebab-case) and lists the tasks for a wrong one', () => {
    for (const name of ['textGeneration', 'conditionalGeneration', 'poetry']) {
      expect(() => checkTask(name)).toThrow(
        `unknown task "${name}": the tasks are ${TASK_NAMES.map((k) => TASK_TABLE[k].name).join(', ')} (see rnnkit train --help)`,
      );
    }
  });

  it('resumes a run started with the older name under the new one, and the reverse', () => {
    const record = {
      format: 'rnnkit-train-run' as const,
      version: 1 as const,
      task: 'text',
      cwd: '/work',
      options: { data: 'a.txt' },
    };
    expect(resumedOptions(record, 'text-generation', {}, 'x')).toEqual({ data: 'a.txt' });
    const kebab = { ...record, task: 'conditional-generation' };
    expect(resumedOptions(kebab, 'names', {}, 'x')).toEqual({ data: 'a.txt' });
    expect(() => resumedOptions(kebab, 'text', {}, 'x')).toThrow(
      'that checkpoint is of rnnkit train conditional-generation, not text: run rnnkit train conditional-generation --resume x',
    );
  });
});
