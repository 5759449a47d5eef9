/**
 * Live, end to end: the road past one machine. `rnnkit train` for one epoch, `rnnkit export
 * --format torch --data ...`, the generated README's own torchrun command (two processes, gloo,
 * this machine), `rnnkit import`, then the imported model answers as PyTorch's does, and
 * PyTorch's epoch loss continues downward from rnnkit's last epoch. Needs the pinned Python of
 * scripts/python-env.mjs (created when missing; skipped, saying so, only without python3).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensurePythonEnv } from '../../../scripts/python-env.mjs';
import { runCli, STACK_LINE, writeText } from './run-cli.js';

const py = ensurePythonEnv() as string | null;
if (py === null) process.stderr.write('torch e2e skipped: no python3 on this machine\n');
const work = mkdtempSync(join(tmpdir(), 'rnnkit-torch-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rnnkit = (...args: string[]) => runCli(work, args);

function ok(r: ReturnType<typeof runCli>): string {
  expect(r.stderr.match(STACK_LINE), r.stderr).toBeNull();
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** The shell commands of the README's ```sh blocks, as written. */
function readmeCommands(dir: string): string[] {
  const md = readFileSync(join(dir, 'README.md'), 'utf8');
  return [...md.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.trim().split('\n'));
}

/** Runs a README command in the project folder with the venv's torchrun first on PATH. */
function shell(dir: string, command: string): string {
  const r = spawnSync(command, {
    cwd: dir,
    shell: true,
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${dirname(py!)}:${process.env['PATH']}`,
      CUDA_VISIBLE_DEVICES: '',
    },
  });
  expect(r.status, `${command}\n${r.stderr.slice(-3000)}`).toBe(0);
  return r.stdout;
}

function python(dir: string, code: string): string {
  const r = spawnSync(py!, ['-c', code], { cwd: dir, encoding: 'utf8' });
  expect(r.status, r.stderr.slice(-3000)).toBe(0);
  return r.stdout;
}

/** The loss of the last epoch line of `rnnkit train --json`. */
function rnnkitEpochLoss(stdout: string): number {
  const epochs = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; loss?: number })
    .filter((e) => e.type === 'epoch');
  return epochs.at(-1)!.loss!;
}

function torchEpochLosses(stdout: string): number[] {
  return [...stdout.matchAll(/^epoch \d+\/\d+ .* loss (\d+\.\d+)/gm)].map((m) => Number(m[1]));
}

describe.skipIf(py === null)('rnnkit -> PyTorch DDP -> rnnkit', () => {
  it('a text model: DDP continues the loss, generate matches PyTorch greedy text', () => {
    writeText(work, 'corpus.txt', 120);
    const trained = ok(
      rnnkit(
        'train',
        'text',
        '--data',
        'corpus.txt',
        '--epochs',
        '1',
        '--units',
        '32',
        '--seq-length',
        '16',
        '--batch-size',
        '8',
        '--out',
        'lm',
        '--json',
      ),
    );
    const before = rnnkitEpochLoss(trained);
    ok(rnnkit('export', 'lm', '--format', 'torch', '--out', 'lm-torch', '--data', 'corpus.txt'));
    const dir = join(work, 'lm-torch');
    python(
      dir,
      'import py_compile; py_compile.compile("model.py", doraise=True); py_compile.compile("train.py", doraise=True)',
    );
    const commands = readmeCommands(dir);
    const first = commands.find((c) => c.startsWith('torchrun'))!;
    expect(first).toBe('torchrun --standalone --nproc_per_node=2 train.py --epochs 1');
    const losses = torchEpochLosses(shell(dir, first));
    expect(losses).toHaveLength(1);
    expect(losses[0]).toBeLessThan(before); // continues downward, not reset to the untrained value
    // resumable: the README's --resume command trains epochs 2 and 3 from the checkpoint
    const resumed = shell(dir, commands.find((c) => c.includes('--resume'))!);
    expect(resumed).toMatch(/resuming after epoch 1/);
    expect(torchEpochLosses(resumed)).toHaveLength(2);

    ok(rnnkit('import', 'lm-torch', '--out', 'lm-back'));
    const ours = ok(
      rnnkit('generate', 'lm-back', '--prime', 'the ', '--length', '60', '--top-k', '1'),
    );
    const theirs = python(
      dir,
      `import json
from safetensors.torch import load_file
from model import ManyToMany
m = ManyToMany()
m.load_state_dict(load_file("weights.safetensors"))
m.eval()
tokens = json.load(open("rnnkit.json"))["vocab"]["tokens"]
ids = m.generate([tokens.index(c) for c in "the "], 60)
print("the " + "".join(tokens[i] for i in ids), end="")`,
    );
    expect(ours.trimEnd()).toBe(theirs.trimEnd());
    expect(theirs.length).toBeGreaterThan(40);
  });
});
