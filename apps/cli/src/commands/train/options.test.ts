import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CELL_TYPES } from '@rnnkit/models';
import { afterAll, describe, expect, it } from 'vitest';
import { CELLS, trainSettings } from './options.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trainSettings', () => {
  it('offers the cells of @rnnkit/models', () => {
    expect([...CELLS]).toEqual([...CELL_TYPES]);
  });

  it('takes the config file and lets flags override it', async () => {
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ data: 'a.txt', units: 8, lr: 0.01 }));
    const s = await trainSettings({ config: 'run.json', units: '16' }, dir);
    expect(s.data).toBe('a.txt');
    expect(s.model).toEqual({ units: 16, learningRate: 0.01 });
    expect(s.valSplit).toBe(0.1);
    expect(s.out).toBe('rnnkit-model');
  });

  it('rejects unknown config keys, listing the known ones', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ data: 'a.txt', unit: 8 }));
    await expect(trainSettings({ config: 'bad.json' }, dir)).rejects.toThrow(
      /unknown key "unit": the keys are data, dataset, column/,
    );
  });
});
