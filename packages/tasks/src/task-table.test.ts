import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARTIFACT_TASKS, TASK_NAMES, TASK_TABLE, taskNamed } from './task-table.js';
import { pipeline, TASKS } from './tasks.js';

describe('the task table', () => {
  it('names each task once: kebab-case in files, camelCase in code', () => {
    for (const key of TASK_NAMES) {
      const { name } = TASK_TABLE[key];
      expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())).toBe(key);
      expect(TASKS[key].name).toBe(name);
    }
    expect(ARTIFACT_TASKS).toEqual([
      'text-generation',
      'classification',
      'forecasting',
      'conditional-generation',
      'seq2seq',
    ]);
  });

  it('finds a task by any of its names, and no task by a name none has', () => {
    expect(taskNamed('conditionalGeneration')).toBe('conditionalGeneration');
    expect(taskNamed('conditional-generation')).toBe('conditionalGeneration');
    expect(taskNamed('names')).toBe('conditionalGeneration');
    expect(taskNamed('text')).toBe('textGeneration');
    expect(taskNamed('classify')).toBe('classification');
    expect(taskNamed('forecast')).toBe('forecasting');
    expect(taskNamed('poetry')).toBeUndefined();
    expect(taskNamed('toString')).toBeUndefined();
  });

  it('no name means two tasks', () => {
    const all = TASK_NAMES.flatMap((k) => [k, TASK_TABLE[k].name, ...TASK_TABLE[k].aliases]);
    for (const n of new Set(all)) {
      const owners = TASK_NAMES.filter(
        (k) =>
          k === n ||
          TASK_TABLE[k].name === n ||
          (TASK_TABLE[k].aliases as readonly string[]).includes(n),
      );
      expect(owners, n).toHaveLength(1);
    }
  });

  it('pipeline takes a task by its name in files or an older name too', () => {
    expect(pipeline('conditional-generation' as never)).toBe(TASKS.conditionalGeneration);
    expect(pipeline('names' as never)).toBe(TASKS.conditionalGeneration);
    expect(pipeline('text' as never)).toBe(TASKS.textGeneration);
  });

  it('imports nothing, so the CLI reads it (@rnnkit/tasks/table) without loading tfjs', () => {
    const source = readFileSync(new URL('./task-table.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^\s*import\b/m);
    expect(source).not.toMatch(/\bimport\(/);
  });
});
