/**
 * The task guides' sample outputs (the `<!-- sample-output -->` blocks of tasks/*.md) are still
 * what `scripts/guide-outputs.mjs` gets from the real CLI, in shape: the same commands, the same
 * lines in the same order, with numbers, durations, the progress bar, the loss chart's rows and
 * the sampled text left free (they change with the machine's speed and the backend's rounding).
 * Runs every command again (a few minutes on the busy 2-core machine).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const GUIDES = ['text-generation', 'classification', 'conditional-generation', 'seq2seq'];

/** The block a guide shows: the text between its markers, without the fence. */
function shown(guide: string): string {
  const md = readFileSync(join(root, 'tasks', `${guide}.md`), 'utf8');
  const m = md.match(/<!-- sample-output -->\n```text\n([\s\S]*?)\n```\n<!-- \/sample-output -->/);
  if (!m) throw new Error(`tasks/${guide}.md has no sample-output block`);
  return m[1]!;
}

/** Commands whose standard output is generated or predicted text. */
const TEXT_COMMANDS = /^\$ rnnkit (generate|predict out\/g2p)/;

/**
 * What must stay the same: each command line as written, then its lines with every number '#'
 * and every duration '<t>'; progress-bar lines left out (how many depends on the speed), the
 * chart's rows as one '┤' line, and a text command's output lines (but its `backend:` line) as
 * one '<text>'.
 */
function shape(block: string): string[] {
  const out: string[] = [];
  let text = false;
  for (const line of block.split('\n')) {
    let s: string | null;
    if (line.startsWith('$ rnnkit ')) {
      text = TEXT_COMMANDS.test(line);
      s = line;
    } else if (/^\[[#.]+\]/.test(line)) s = null;
    else if (line.includes('┤')) s = '┤';
    else if (text && !line.startsWith('backend: ')) s = '<text>';
    else
      s = line
        .replace(/\b(\d+h)?(\d+m)?\d+s\b/g, '<t>')
        .replace(/\d+(\.\d+)?(e[-+]?\d+)?/g, '#')
        .replace(/ {2,}/g, '  ');
    if (s !== null && !(['┤', '<text>'].includes(s) && out.at(-1) === s)) out.push(s);
  }
  return out;
}

describe('the task guides show what the CLI prints', () => {
  it('shape() keeps the lines and frees the numbers, timings, progress, chart and text', () => {
    const a = [
      '$ rnnkit train text --epochs 2',
      '[###...] 3/9 steps  ETA 4s',
      'epoch 1/2  train loss 3.5118  val loss 3.1374',
      'stopped (completed) after 72 steps, 10s',
      '4.2329 ┤*****',
      '       ┤   **',
      '$ rnnkit generate out/moby --length 80',
      'backend: wasm (--backend wasm)',
      'The whale is',
      'a fish',
    ].join('\n');
    const b = a
      .replace('3.5118', '2.0001')
      .replace('10s', '1m05s')
      .replace('[###...] 3/9 steps  ETA 4s\n', '')
      .replace('a fish', '');
    expect(shape(b)).toEqual(shape(a));
    expect(shape(a)).toEqual([
      '$ rnnkit train text --epochs 2',
      'epoch #/#  train loss #  val loss #',
      'stopped (completed) after # steps, <t>',
      '┤',
      '$ rnnkit generate out/moby --length 80',
      'backend: wasm (--backend wasm)',
      '<text>',
    ]);
    expect(shape(a.replace('val loss', 'val acc'))).not.toEqual(shape(a));
  });

  it('every guide shows output of the shape the script gets from the real CLI now', () => {
    const now = JSON.parse(
      execFileSync(process.execPath, ['scripts/guide-outputs.mjs', '--print'], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      }),
    ) as Record<string, string>;
    expect(Object.keys(now).sort()).toEqual([...GUIDES].sort());
    for (const guide of GUIDES) {
      const block = shown(guide);
      expect(block.split('\n').length, guide).toBeGreaterThan(10);
      expect(shape(now[guide]!), `tasks/${guide}.md: run node scripts/guide-outputs.mjs`).toEqual(
        shape(block),
      );
    }
  }, 900_000);
});
