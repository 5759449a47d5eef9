/** Spawns the built CLI (`dist/bin.js`) as a user would, in a folder of the test's choosing. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const bin = new URL('../dist/bin.js', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(cwd: string, args: string[]): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A text of `lines` lines of seeded pseudo-random words (a few kB: trains in a second). */
export function writeText(dir: string, name: string, lines = 40): string {
  const words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'dog', 'ran', 'to', 'log'];
  let s = 1;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s;
  };
  const text = Array.from({ length: lines }, () =>
    Array.from({ length: 8 }, () => words[next() % words.length]).join(' '),
  ).join('\n');
  const path = join(dir, name);
  writeFileSync(path, `${text}\n`);
  return path;
}

/** Errors for people: no stack trace lines. */
export const STACK_LINE = /\n\s+at /;

/** Runs a shell command line (pipes, `<` redirections) with `rnnkit` standing for the built CLI. */
export function shell(cwd: string, line: string, env: NodeJS.ProcessEnv = {}): CliResult {
  const rnnkit = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)}`;
  const r = spawnSync('sh', ['-c', line.replaceAll('rnnkit ', `${rnnkit} `)], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
