/**
 * Each package's README as a user reads it on npm: it says how to install the package, links its
 * docs page, and its `## Example` runs, against the installed tarballs, printing exactly the
 * `Output` block below it (figures that depend on the machine, such as tokens per second, are
 * masked on both sides; see `TRAINS` for the examples that train), and its install footprint is
 * the one measured.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { LIBRARIES, run } from './workspace.js';

const { fullProject, tmp, footprints } = inject('packaging');

/** The first fenced block of `lang` after `start` in `text`, and where it ends. */
function fenced(text: string, start: number, lang: string): { code: string; end: number } | null {
  const re = new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm');
  re.lastIndex = start;
  const m = re.exec(text);
  return m === null ? null : { code: m[1] ?? '', end: m.index + m[0].length };
}

/** Lines whose values depend on the machine or the clock, masked before comparing. */
const mask = (out: string): string =>
  out
    .replace(/tok\/s \d+/g, 'tok/s N')
    .replace(/eta \d+s/g, 'eta Ns')
    .replace(/steps, \d+(?:\.\d+)?s\b/g, 'steps, Ns')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();

/**
 * Packages whose example trains a model: its losses, metrics and sampled text move with every
 * change to the training numerics (kernels, optimizers, schedules), so their output is compared
 * line by line with every number and quoted string masked, and a task's defaults line by its task
 * and data size only. The lines, their words and their order must still match.
 */
const TRAINS = new Set(['training', 'tasks']);
const maskFigures = (out: string): string =>
  out
    // a task's defaults line lists the options it resolved, a list that grows with the task
    .replace(/^(\w+): .*(\(defaults for [^)]*\))$/gm, '$1: ... $2')
    .replace(/"[^"\n]*"/g, '"S"')
    .replace(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g, 'N');

/** The README's example, its printed output, and where that output sits in the README. */
function readmeExample(readme: string): {
  code: string;
  output: string;
  outputAt: [number, number];
} {
  const at = readme.indexOf('\n## Example');
  if (at < 0) throw new Error('no "## Example" section');
  const code = fenced(readme, at, 'js');
  if (code === null) throw new Error('no ```js block in "## Example"');
  const label = readme.indexOf('Output', code.end);
  const output = label < 0 ? null : fenced(readme, label, 'text');
  if (output === null) throw new Error('no "Output" ```text block after the example');
  const end = output.end - '```'.length;
  return { code: code.code, output: output.code, outputAt: [end - output.code.length, end] };
}

/**
 * `RNNKIT_UPDATE_READMES=1 npx vitest run src/readme.test.ts` writes what the examples print
 * into the READMEs' Output blocks (like `vitest -u` for snapshots): review the diff and commit.
 */
const UPDATE = process.env['RNNKIT_UPDATE_READMES'] === '1';

describe.each(LIBRARIES)('$npmName README', (lib) => {
  const readme = readFileSync(join(lib.dir, 'README.md'), 'utf8');

  it('says how to install it and links its docs page', () => {
    expect(readme).toMatch(/^## Install$/m);
    expect(readme).toContain(`npm install ${lib.npmName}`);
    expect(readme).toContain(`https://rnnkit.dev/packages/${lib.name}`);
  });

  it('states the install footprint measured for its tarball (packages exactly, bytes within 25%)', () => {
    // e.g. "Install footprint: 4 packages, 7.8 MB, no tfjs"
    const m = /^Install footprint: (\d+) packages?(?: \([^)]*\))?, ([\d.]+) (kB|MB)/m.exec(readme);
    expect(m, 'an "Install footprint: N packages, X MB" line in ## Install').not.toBeNull();
    const measured = footprints[lib.name];
    expect(Number(m?.[1])).toBe(measured?.packages);
    const stated = Number(m?.[2]) * (m?.[3] === 'MB' ? 1e6 : 1e3);
    // stale? `pnpm bench install` prints install.<package>.packages and .bytes
    expect(Math.abs(stated / (measured?.bytes ?? 1) - 1)).toBeLessThan(0.25);
  });

  it('runs its example against the installed tarball and prints the Output shown', () => {
    const { code, output, outputAt } = readmeExample(readme);
    const file = join(fullProject, `readme-${lib.name}.mjs`);
    writeFileSync(file, code);
    // a fresh working folder: examples that write files (checkpoints, models) write them there
    const cwd = mkdtempSync(join(tmp, `readme-${lib.name}-`));
    const { stdout } = run(process.execPath, [file], { cwd, timeoutMs: 150_000 });
    const compare = TRAINS.has(lib.name) ? (o: string) => maskFigures(mask(o)) : mask;
    if (UPDATE && compare(stdout) !== compare(output)) {
      const printed = `${stdout.trimEnd()}\n`;
      writeFileSync(
        join(lib.dir, 'README.md'),
        readme.slice(0, outputAt[0]) + printed + readme.slice(outputAt[1]),
      );
      return;
    }
    // stale? RNNKIT_UPDATE_READMES=1 npx vitest run src/readme.test.ts (in tests/packaging)
    expect(compare(stdout)).toBe(compare(output));
  });
});
