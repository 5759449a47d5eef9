/**
 * End-to-end: interrupts as `timeout -s INT`, a supervisor or a terminal deliver them. `timeout`
 * signals the process and then its whole group, microseconds apart: the two deliveries are one
 * interrupt, so the run saves a resumable checkpoint every time. SIGTERM saves too. The signals
 * are sent once training has shown progress (never after a fixed delay); in every other run the
 * group's delivery waits until the run has said it took the first, so that it surely handles two
 * (the kernel may merge two deliveries at once into one); those runs set the repeat window
 * (worker-host.ts's ACK_MS) to 60 s so that a slow send on a busy machine is still a repeat. With
 * ACK_MS 0 (every second delivery aborts, as before) these runs end "interrupted twice".
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, signalledAfter, writeText } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-signals-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(() => writeText(work, 'small.txt'));
/** Far more epochs than a run lives: every run here ends by a signal. */
const ARGS = ['--units', '8', '--epochs', '1000', '--seq-length', '16', '--batch-size', '8'];

/**
 * Runs `rnnkit train text` in its own process group, reading `--data` (or `stdin` piped in);
 * after its second progress event sends `signal` to the process and to its group at once, as
 * `timeout` does.
 */
const signalled = (
  out: string,
  signal: NodeJS.Signals,
  group: 'at-once' | 'after-ack',
  stdin?: string,
) =>
  signalledAfter(
    work,
    [
      'train',
      'text',
      '--data',
      stdin === undefined ? 'small.txt' : '-',
      ...ARGS,
      '--json',
      '--out',
      out,
    ],
    { signal, afterProgress: 2, group, ...(stdin === undefined ? {} : { stdin }) },
  );

/** The step of the run's last checkpoint. */
const checkpointStep = (out: string) =>
  (
    JSON.parse(readFileSync(join(work, `${out}.checkpoint`, 'last', 'manifest.json'), 'utf8')) as {
      step: number;
    }
  ).step;

describe('an interrupt delivered twice at once (timeout -s INT), 10 runs out of 10', () => {
  it('is one interrupt: every run saves the model and a checkpoint past step 0', async () => {
    for (let run = 0; run < 10; run++) {
      // at once as timeout does; every other run the second delivery waits for the first to be
      // taken, so that the run surely handles two (the kernel may merge two at once into one)
      const r = await signalled(`run${run}`, 'SIGINT', run % 2 ? 'after-ack' : 'at-once');
      expect(r.stderr).not.toContain('interrupted twice');
      expect(r.code).toBe(130);
      expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('rnnkit: interrupted (Ctrl-C)');
      expect(checkpointStep(`run${run}`)).toBeGreaterThan(0);
      expect(existsSync(join(work, `run${run}`, 'weights.bin'))).toBe(true);
    }
  });

  it('the checkpoint resumes past step 0', () => {
    const step = checkpointStep('run9');
    const r = runCli(work, ['train', 'text', '--resume', 'run9', '--epochs', '2', '--json']);
    expect(r.code).toBe(0);
    const events = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((e) => e['type'] === 'resume')).toMatchObject({ step });
    expect(events.find((e) => e['type'] === 'progress')).toMatchObject({ step: step + 1 });
    expect(events.at(-1)).toMatchObject({ type: 'saved' });
  });
});

describe('SIGTERM, and data from standard input', () => {
  it('SIGTERM saves too (exit 143); a run that read stdin resumes from its kept copy', async () => {
    const text = readFileSync(join(work, 'small.txt'), 'utf8');
    const r = await signalled('term', 'SIGTERM', 'after-ack', text);
    expect(r.code).toBe(143);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('rnnkit: interrupted (SIGTERM)');
    const step = checkpointStep('term');
    expect(step).toBeGreaterThan(0);
    // nothing on stdin now: the run reads the copy kept in its checkpoint folder
    const again = runCli(work, ['train', 'text', '--resume', 'term', '--epochs', '2', '--json']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `"type":"resume","checkpoint":"${join(work, 'term.checkpoint')}","step":${step}`,
    );
    expect(again.stdout).toMatch(/"type":"data","source":"stdin"/);
    expect(existsSync(join(work, 'term.checkpoint'))).toBe(false);
  });
});
