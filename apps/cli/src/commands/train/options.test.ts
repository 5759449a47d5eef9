import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CELL_TYPES, WEIGHTS_DTYPES as MODEL_WEIGHTS } from '@rnnkit/models';
import {
  INTERVALS as TASK_INTERVALS,
  NORMALIZE as TASK_NORMALIZE,
  TRANSFORMS as TASK_TRANSFORMS,
  TEXT_UNITS as TASK_UNITS,
} from '@rnnkit/tasks';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CELLS,
  INTERVALS,
  NORMALIZE,
  TEXT_UNITS,
  TRANSFORMS,
  trainSettings,
  WEIGHTS_DTYPES,
} from './options.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trainSettings', () => {
  it('offers the cells of @rnnkit/models', () => {
    expect([...CELLS]).toEqual([...CELL_TYPES]);
    expect([...TRANSFORMS]).toEqual([...TASK_TRANSFORMS]);
    expect([...INTERVALS]).toEqual([...TASK_INTERVALS]);
    expect([...NORMALIZE]).toEqual([...TASK_NORMALIZE]);
    expect([...TEXT_UNITS]).toEqual([...TASK_UNITS]);
    expect([...WEIGHTS_DTYPES]).toEqual([...MODEL_WEIGHTS]);
  });

  it('takes --intervals, --quantiles (a list or JSON), --series-embedding and --id-column', async () => {
    const s = await trainSettings(
      {
        data: 's.csv',
        intervals: 'gaussian',
        quantiles: '0.05, 0.5,0.95',
        seriesEmbedding: true,
        idColumn: 'store',
      },
      dir,
    );
    expect(s.forecast).toEqual({
      intervals: 'gaussian',
      quantiles: [0.05, 0.5, 0.95],
      seriesEmbedding: true,
    });
    expect(s.idColumn).toBe('store');
    const c = await trainSettings({ data: 's.csv', config: '{"quantiles":[0.2,0.8]}' }, dir);
    expect(c.forecast.quantiles).toEqual([0.2, 0.8]);
    await expect(trainSettings({ data: 's.csv', quantiles: '0.5,0.5' }, dir)).rejects.toThrow(
      '--quantiles must be rising numbers strictly between 0 and 1 (e.g. 0.1,0.5,0.9), got "0.5,0.5"',
    );
  });

  it('takes the forecasting options from flags and from inline JSON --config', async () => {
    const s = await trainSettings(
      {
        data: 's.csv',
        config: '{"horizon":5,"season":12,"timeBudget":"10m"}',
        transform: 'none',
        dropout: '0.2',
        rangeMargin: '0.5',
        holdOut: '120',
      },
      dir,
    );
    expect(s.forecast).toEqual({ season: 12, horizon: 5, transform: 'none', rangeMargin: 0.5 });
    const n = await trainSettings({ data: 's.csv', config: '{"normalize":"series"}' }, dir);
    expect(n.forecast).toEqual({ normalize: 'series' });
    const w = await trainSettings({ data: 's.csv', normalize: 'window' }, dir);
    expect(w.forecast).toEqual({ normalize: 'window' });
    await expect(trainSettings({ data: 's.csv', normalize: 'mean' }, dir)).rejects.toThrow(
      /--normalize must be one of window, series/,
    );
    expect(s.model).toEqual({ dropout: 0.2, timeBudgetSeconds: 600 });
    expect(s.holdOut).toBe(120);
    const t = await trainSettings({ data: 's.csv', timeBudget: '90s' }, dir);
    expect(t.model.timeBudgetSeconds).toBe(90);
    await expect(trainSettings({ data: 's.csv', config: '{"horizon":0}' }, dir)).rejects.toThrow(
      '--horizon must be a whole number >= 1, got 0',
    );
    await expect(trainSettings({ data: 's.csv', config: '{"horizon":' }, dir)).rejects.toThrow(
      /^--config is not valid JSON/,
    );
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
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ data: 'a.txt', units2: 8 }));
    await expect(trainSettings({ config: 'bad.json' }, dir)).rejects.toThrow(
      /unknown key "units2": the keys are data, dataset, column/,
    );
  });
});
