import { manyToMany, save } from '@rnnkit/models';
import { describe, expect, it } from 'vitest';
import type { TaskError } from './errors.js';
import { ARTIFACT_TASKS, loadTask, pipeline, TASK_NAMES } from './tasks.js';
import { useCpu, withTempDir } from './test-helpers.js';

describe('pipeline', () => {
  it('has one entry per job, each with train and defaults', () => {
    expect(TASK_NAMES).toEqual([
      'textGeneration',
      'classification',
      'forecasting',
      'conditionalGeneration',
      'seq2seq',
    ]);
    for (const name of TASK_NAMES) {
      expect(typeof pipeline(name).train).toBe('function');
      expect(typeof pipeline(name).defaults).toBe('function');
    }
    expect(ARTIFACT_TASKS).toHaveLength(5);
  });

  it('names the valid tasks for an unknown one', () => {
    try {
      pipeline('translation' as never);
      throw new Error('no error');
    } catch (e) {
      expect((e as TaskError).code).toBe('UNKNOWN_TASK');
      expect((e as Error).message).toBe(
        'unknown task "translation": expected one of textGeneration, classification, forecasting, conditionalGeneration, seq2seq',
      );
    }
  });
});

describe('loadTask', () => {
  it('refuses an artifact of a task it does not know, listing the ones it does', async () => {
    await useCpu();
    await withTempDir(async (dir) => {
      const { model } = manyToMany({
        units: 4,
        classes: 3,
        input: { type: 'features', features: 2 },
      });
      await save(model, dir, { task: 'tagging', topology: { builder: 'manyToMany', args: {} } });
      model.dispose();
      await expect(loadTask(dir)).rejects.toThrow(
        /task "tagging", which @rnnkit\/tasks does not know: expected one of text-generation, classification, forecasting, conditional-generation, seq2seq/,
      );
    });
  });
});
