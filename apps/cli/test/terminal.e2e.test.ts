/**
 * End-to-end: the progress output of `rnnkit train` in a pseudo-terminal (util-linux `script`) of a
 * given width, in a dumb terminal, and in a pipe. On a terminal each redraw fits the width and
 * clears the rest of the line; elsewhere the lines are plain (no `\r`, no escape code). The CLI
 * writes no colour, so `NO_COLOR` has nothing to remove.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, runCli, writeText } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-tty-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(() => writeText(work, 'small.txt'));
/** 2 epochs of 9 small steps: many redraws. */
const TRAIN = 'train text --data small.txt --units 8 --epochs 2 --seq-length 16 --batch-size 8';
let runs = 0;

/** Runs `rnnkit <args>` in a pseudo-terminal of `columns` columns; returns what it showed. */
function inTerminal(args: string, columns: number, env: Record<string, string> = {}): string {
  const rnnkit = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)}`;
  const line = `stty cols ${columns} rows 24; ${rnnkit} ${args} --out m${runs++}`;
  const r = spawnSync('script', ['-qfec', line, '/dev/null'], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, TERM: 'xterm', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  expect(r.status).toBe(0);
  return r.stdout;
}

/** The redraws of the progress bar: the text between carriage returns that shows steps. */
function redraws(shown: string): string[] {
  return shown
    .replaceAll('\r\n', '\n')
    .split(/[\r\n]/)
    .filter((s) => / steps /.test(s))
    .map((s) => s.replaceAll(CLEAR, ''));
}

/** The escape character: any escape sequence (colour, cursor, clear) starts with it. */
const ESC = String.fromCharCode(27);
const ESCAPE = new RegExp(ESC);
const COLOUR = new RegExp(`${ESC}\\[[\\d;]*m`);
const CLEAR = `${ESC}[K`;

describe('progress on a terminal', () => {
  it.each([80, 40])('fits a %i-column terminal and clears to the end of the line', (columns) => {
    const shown = inTerminal(TRAIN, columns);
    const bars = redraws(shown);
    expect(bars.length).toBeGreaterThan(10);
    for (const b of bars) expect(b.length).toBeLessThan(columns);
    expect(bars.at(-1)).toMatch(/18\/18 steps/);
    // every redraw starts at the line's start and clears what a longer one left
    const redrawn = shown.split('\r').filter((s) => / steps /.test(s));
    for (const r of redrawn) expect(r.endsWith(CLEAR) || r.endsWith(`${CLEAR}\n`)).toBe(true);
    expect(shown).not.toMatch(COLOUR);
  });

  it('is plain lines in a dumb terminal (TERM=dumb): no carriage return, no escape code', () => {
    const shown = inTerminal(TRAIN, 80, { TERM: 'dumb' });
    // the terminal turns \n into \r\n; a redraw would be a lone \r
    expect(shown.replaceAll('\r\n', '\n')).not.toContain('\r');
    expect(shown).not.toMatch(ESCAPE);
    expect(shown).toMatch(/^\[#+\.*\] +\d+\/18 steps {2}epoch/m);
  });

  it('shows no colour with NO_COLOR, nor without it', () => {
    expect(inTerminal(TRAIN, 80, { NO_COLOR: '1' })).not.toMatch(COLOUR);
  });
});

describe('progress in a pipe', () => {
  it('is plain lines, every 10%: no carriage return, no escape code', () => {
    const r = runCli(work, [...TRAIN.split(' '), '--out', 'piped']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).not.toMatch(ESCAPE);
    const bars = r.stderr.split('\n').filter((l) => / steps /.test(l));
    expect(bars.length).toBeGreaterThanOrEqual(10);
    expect(bars.length).toBeLessThanOrEqual(12);
  });
});
