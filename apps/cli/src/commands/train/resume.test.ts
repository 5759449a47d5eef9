import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointDirOf, readRun, resumedOptions, shown, writeRun } from './resume.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the run record of --resume', () => {
  it('is found from the checkpoint folder or from the model folder beside it', async () => {
    const ck = checkpointDirOf(join(dir, 'lm/'));
    expect(ck).toBe(join(dir, 'lm.checkpoint'));
    await writeRun(ck, { task: 'text', cwd: dir, options: { data: 'a.txt', units: 8 } });
    for (const given of [ck, join(dir, 'lm')]) {
      const { dir: found, record } = await readRun(given);
      expect(found).toBe(ck);
      expect(record).toMatchObject({ task: 'text', cwd: dir, options: { units: 8 } });
    }
    expect(shown(ck, dir)).toBe('lm.checkpoint');
    expect(shown(ck, join(dir, 'elsewhere'))).toBe(ck);
  });

  it('says what is wrong with a missing or corrupt record', async () => {
    await expect(readRun(join(dir, 'nothing'))).rejects.toThrow(/no run to resume in .*nothing/);
    mkdirSync(join(dir, 'bad'));
    writeFileSync(join(dir, 'bad', 'run.json'), '{oops');
    await expect(readRun(join(dir, 'bad'))).rejects.toThrow(
      /is not the record of an rnnkit train run/,
    );
  });

  it('keeps the recorded options; flags may change only --epochs, --time-budget and the outputs', () => {
    const record = {
      format: 'rnnkit-train-run' as const,
      version: 1 as const,
      task: 'text',
      cwd: dir,
      options: { data: 'a.txt', units: 8, epochs: 2 },
    };
    expect(resumedOptions(record, 'text', { epochs: '5', json: true }, 'lm.checkpoint')).toEqual({
      data: 'a.txt',
      units: 8,
      epochs: '5',
    });
    expect(() => resumedOptions(record, 'text', { seqLength: 4 }, 'x')).toThrow(
      /drop --seq-length \(only --epochs, --time-budget, --checkpoint-every and --attention-map may change\)/,
    );
    expect(() => resumedOptions(record, 'classify', {}, 'x')).toThrow(
      'that checkpoint is of rnnkit train text, not classify: run rnnkit train text --resume x',
    );
  });
});
