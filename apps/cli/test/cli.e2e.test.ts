/**
 * End-to-end: spawns the built CLI (`dist/bin.js`, built by turbo before tests) as a user would.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = new URL('../dist/bin.js', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'rnnkit-e2e-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function rnnkit(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A well-formed SVG document: one <svg> root in the SVG namespace, closed, tags balanced. */
function expectSvg(text: string): void {
  expect(text.trimStart().startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(text.trimEnd().endsWith('</svg>')).toBe(true);
  const opened = (text.match(/<(?!\/)[a-z]+[^>]*[^/]>/g) ?? []).length;
  const closed = (text.match(/<\/[a-z]+>/g) ?? []).length;
  expect(opened).toBe(closed);
}

describe('rnnkit demo', () => {
  it('prints 20 iteration lines ending with the sentence, a summary, the test MSE and two SVG plots', () => {
    const r = rnnkit('demo', '--iterations', '20', '--epochs', '30', '--out', 'plots');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const iterationLines = lines.filter((l) => /^\d+ {2}\d+\.\d{4} {2}/.test(l));
    expect(iterationLines).toHaveLength(20);
    expect(iterationLines[0]!.startsWith('0  ')).toBe(true);
    expect(iterationLines[19]).toMatch(/^19 {2}\d+\.\d{4} {2}My name is Ji Myung Hwa\.$/);
    expect(r.stdout).toContain('Total params: 12');
    expect(r.stdout).toMatch(/test MSE \d+\.\d{6} on 20 windows/);
    expect(r.stderr).toContain('30/30 epochs'); // the progress bar reached the end
    for (const name of ['predictions.svg', 'loss.svg']) {
      const path = join(work, 'plots', name);
      expect(r.stdout).toContain(path);
      expectSvg(readFileSync(path, 'utf8'));
    }
  });

  it('runs the whole demo (1000 epochs) when given no command, plotting into ./rnnkit-out', () => {
    const r = rnnkit();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^19 {2}\d+\.\d{4} {2}My name is Ji Myung Hwa\.$/m);
    expect(r.stderr).toContain('1000/1000 epochs');
    expectSvg(readFileSync(join(work, 'rnnkit-out', 'loss.svg'), 'utf8'));
  });

  it('prints the same numbers for the same seed, and different ones for another', () => {
    const a = rnnkit('demo', '--only', 'chars', '--seed', '3', '--iterations', '5');
    const b = rnnkit('demo', '--only', 'chars', '--seed', '3', '--iterations', '5');
    const c = rnnkit('demo', '--only', 'chars', '--seed', '4', '--iterations', '5');
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
  });

  it('rejects an unknown command with exit code 2 and lists the commands', () => {
    const r = rnnkit('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
    expect(r.stderr).toContain('demo');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('rejects a bad option value with exit code 2 and no stack trace', () => {
    const r = rnnkit('demo', '--iterations', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('rnnkit: --iterations must be a whole number >= 1, got "0"\n');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
