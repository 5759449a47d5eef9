/**
 * End-to-end: a real SIGINT during `rnnkit train` stops after the current step, saves the model
 * trained so far and a checkpoint, says how to resume, and exits 130; `--resume` then ends with the
 * same losses, validation and weights as an uninterrupted run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, signalledAfter, writeText } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-sigint-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
/** 6 epochs of 9 steps: long enough for the SIGINT to land mid-run. */
const ARGS = ['--data', 'small.txt', '--units', '8', '--epochs', '6', '--seq-length', '16'];
const SMALL_BATCH = ['--batch-size', '8', '--json'];

type Event = { type: string } & Record<string, unknown>;
const events = (stdout: string): Event[] =>
  stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Event);

let whole: Event[];
beforeAll(() => {
  writeText(work, 'small.txt');
  const r = runCli(work, ['train', 'text', ...ARGS, ...SMALL_BATCH, '--out', 'whole']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  whole = events(r.stdout);
});

/** Starts `rnnkit train`, sends SIGINT after the third progress event; resolves at exit. */
const interrupted = () =>
  signalledAfter(work, ['train', 'text', ...ARGS, ...SMALL_BATCH, '--out', 'lm'], {
    signal: 'SIGINT',
    afterProgress: 3,
  });

describe('Ctrl-C during rnnkit train, then --resume', () => {
  it('stops after the current step, saves the model and a checkpoint, prints how to resume, exits 130', async () => {
    const r = await interrupted();
    expect(r.code).toBe(130);
    expect(r.stderr.trim().split('\n')).toEqual([
      'SIGINT: stopping after this step to save the model and a checkpoint (interrupt again to stop at once, saving nothing)',
      'rnnkit: interrupted (Ctrl-C)',
    ]);
    const e = events(r.stdout);
    const done = e.find((x) => x.type === 'done');
    expect(done).toMatchObject({ stopReason: 'aborted' });
    const steps = done!['steps'] as number;
    expect(steps).toBeLessThan(54);
    expect(e.at(-1)).toEqual({
      type: 'interrupted',
      out: join(work, 'lm'),
      step: steps,
      resume: 'rnnkit train text --resume lm.checkpoint',
    });
    expect(existsSync(join(work, 'lm', 'weights.bin'))).toBe(true);
    expect(readFileSync(join(work, 'lm', 'rnnkit.json'), 'utf8')).toContain('text-generation');
    const manifest = JSON.parse(
      readFileSync(join(work, 'lm.checkpoint', 'last', 'manifest.json'), 'utf8'),
    ) as { step: number };
    expect(manifest.step).toBe(steps);
    // a new run into the same --out would silently drop the checkpoint: it must be asked for
    const again = runCli(work, ['train', 'text', ...ARGS, '--out', 'lm']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--resume lm.checkpoint, or --force to start over');
  });

  it('--resume continues to the same losses, validation and weights as an uninterrupted run', () => {
    const bad = runCli(work, ['train', 'text', '--resume', 'lm.checkpoint', '--units', '9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /drop --units \(only --epochs, --time-budget, --checkpoint-every and --attention-map may change\)/,
    );
    const r = runCli(work, ['train', 'text', '--resume', 'lm.checkpoint', '--json']);
    expect(r.code).toBe(0);
    const e = events(r.stdout);
    const resumedFrom = e.find((x) => x.type === 'resume')!['step'] as number;
    expect(resumedFrom).toBeGreaterThan(0);
    expect(e.find((x) => x.type === 'progress')).toMatchObject({ step: resumedFrom + 1 });
    const pick = (es: Event[]) => ({
      done: es.find((x) => x.type === 'done')!['epochLoss'],
      validation: es.filter((x) => x.type === 'validation').at(-1),
    });
    expect(pick(e)).toEqual(pick(whole));
    expect(readFileSync(join(work, 'lm', 'weights.bin'))).toEqual(
      readFileSync(join(work, 'whole', 'weights.bin')),
    );
    expect(existsSync(join(work, 'lm.checkpoint'))).toBe(false); // done: nothing to resume
  });
});
