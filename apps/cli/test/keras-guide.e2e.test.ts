/**
 * Runs the docs guide "Bring a Keras model" (apps/docs/guide/keras.md) as written: its
 * ```python [file] blocks are written to their files first, then its ```sh blocks run line by line in one
 * folder, with `python` the pinned environment's (scripts/python-env.mjs) and `rnnkit` the built
 * CLI. Skipped, saying so, only where the machine has no python3.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensurePythonEnv } from '../../../scripts/python-env.mjs';
import { bin } from './run-cli.js';

const py = ensurePythonEnv() as string | null;
if (py === null) process.stderr.write('keras guide e2e skipped: no python3 on this machine\n');
const GUIDE = fileURLToPath(new URL('../../docs/guide/keras.md', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'rnnkit-keras-guide-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Block = { lang: string; file?: string; body: string };

export function guideBlocks(md: string): Block[] {
  return [...md.matchAll(/```(\w+)(?: \[([^\]]+)\])?\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1]!,
    ...(m[2] ? { file: m[2] } : {}),
    body: m[3]!,
  }));
}

describe.skipIf(py === null)('the guide "Bring a Keras model"', () => {
  it('runs every command it shows, in order', () => {
    const blocks = guideBlocks(readFileSync(GUIDE, 'utf8'));
    const shBin = join(work, '.bin');
    mkdirSync(shBin);
    writeFileSync(join(shBin, 'rnnkit'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
    chmodSync(join(shBin, 'rnnkit'), 0o755);
    writeFileSync(join(shBin, 'python'), `#!/bin/sh\nexec "${py}" "$@"\n`);
    chmodSync(join(shBin, 'python'), 0o755);
    const env = {
      ...process.env,
      PATH: `${shBin}:${dirname(py!)}:${process.env['PATH']}`,
      TF_CPP_MIN_LOG_LEVEL: '3',
      CUDA_VISIBLE_DEVICES: '',
    };
    const ran: string[] = [];
    let generated = '';
    // the scripts first: the guide shows check_model.py after the command that runs it
    for (const b of blocks)
      if (b.lang === 'python' && b.file) writeFileSync(join(work, b.file), b.body);
    for (const b of blocks) {
      if (b.lang !== 'sh') continue;
      for (const line of b.body.trim().split('\n')) {
        const r = spawnSync(line, { cwd: work, shell: true, encoding: 'utf8', env });
        expect(r.status, `${line}\n${r.stderr.slice(-3000)}`).toBe(0);
        if (line.startsWith('rnnkit generate')) generated = r.stdout;
        ran.push(line);
      }
    }
    expect(ran).toEqual([
      'python make_model.py',
      'rnnkit import char_lstm.keras --out char-lm --task text-generation --vocab chars.json',
      'rnnkit generate char-lm --prime "the " --length 60 --top-k 1',
      'rnnkit export char-lm --format keras --out char_lstm_rnnkit.keras',
      'python check_model.py',
    ]);
    expect(generated.startsWith('the ')).toBe(true);
    expect(generated.trimEnd()).toHaveLength(64);
  }, 600_000);
});
