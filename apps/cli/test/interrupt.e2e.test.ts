/**
 * End-to-end: a real SIGINT during `rnnkit train` stops after the current step, saves the model
 * trained so far, says so, and exits 130.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, writeText } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-sigint-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Ctrl-C during rnnkit train', () => {
  it('stops after the current step, saves the model, and exits 130', async () => {
    writeText(work, 'small.txt');
    const child = spawn(
      process.execPath,
      [
        bin,
        'train',
        'text',
        '--data',
        'small.txt',
        '--units',
        '8',
        '--epochs',
        '500',
        '--seq-length',
        '16',
        '--out',
        'lm',
        '--json',
      ],
      { cwd: work },
    );
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // interrupt once a few steps are done
      if (!sent && (stdout.match(/"type":"progress"/g) ?? []).length >= 3) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(stderr.trim()).toBe('rnnkit: interrupted (Ctrl-C)');
    const events = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const done = events.find((e) => e['type'] === 'done');
    expect(done).toMatchObject({ stopReason: 'aborted' });
    expect(done!['steps']).toBeLessThan(500);
    expect(events.at(-1)).toMatchObject({ type: 'interrupted', out: join(work, 'lm') });
    expect(existsSync(join(work, 'lm', 'weights.bin'))).toBe(true);
    expect(readFileSync(join(work, 'lm', 'rnnkit.json'), 'utf8')).toContain('text-generation');
  });
});
