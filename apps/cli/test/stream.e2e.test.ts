/**
 * End-to-end: `rnnkit predict <model> --stream` through a real pipe prints a prediction for a row
 * before stdin closes, equal to the model on the rows so far; a row of the wrong width is one line
 * on stderr and exit 2.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manyToOne, save } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, STACK_LINE } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-stream-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ROWS = [
  [0.5, -1],
  [0.25, 2],
  [1, 0],
];
let want: number[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const args = {
    cell: 'gru',
    units: 4,
    input: { type: 'features', features: 2 },
    head: { type: 'regression' },
    seed: 4,
  } as const;
  const { model } = manyToOne(args);
  // the full model on each prefix: what each streamed line must say
  want = ROWS.map((_, t) =>
    tf.tidy(() => (model.predict(tf.tensor3d([ROWS.slice(0, t + 1)])) as tf.Tensor).dataSync()[0]!),
  );
  await save(model, join(work, 'm'), {
    task: 'regression',
    topology: { builder: 'manyToOne', args: { ...args } },
  });
  model.dispose();
});

function start() {
  const child = spawn(process.execPath, [bin, 'predict', 'm', '--stream'], { cwd: work });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const lines: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    while (stdout.includes('\n')) {
      const i = stdout.indexOf('\n');
      const line = stdout.slice(0, i);
      stdout = stdout.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const nextLine = () =>
    new Promise<string>((res) => {
      const l = lines.shift();
      if (l !== undefined) res(l);
      else waiting.push(res);
    });
  const exit = new Promise<number | null>((res) => child.on('close', res));
  return { child, nextLine, exit, stderr: () => stderr };
}

describe('rnnkit predict --stream', () => {
  it('prints one prediction per row as the rows come, before stdin closes', async () => {
    const p = start();
    for (const [t, row] of ROWS.entries()) {
      p.child.stdin.write(`${row.join(',')}\n`);
      // the line for this row arrives while stdin is still open
      const line = await p.nextLine();
      expect(Math.abs(Number(line) - want[t]!)).toBeLessThan(1e-5);
    }
    p.child.stdin.end();
    expect(await p.exit).toBe(0);
    expect(p.stderr()).toBe('');
  }, 60_000);

  it('a row of the wrong width is one line on stderr and exit 2', async () => {
    const p = start();
    p.child.stdin.write('1,2\n1,2,3\n');
    p.child.stdin.end();
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toMatch(/line 2: a stream row has 3 values, expected 2/);
    expect(p.stderr()).not.toMatch(STACK_LINE);
  }, 60_000);
});
