/**
 * Every code block of the guides marked runnable (an HTML comment `<!-- runnable ... -->` on the
 * line before its fence) runs as shown, in Node, from this package (whose dependencies are the
 * workspace's packages): written to `test/.runnable/` (gitignored) and imported. A block must end
 * without an error and print something; the test prints what it printed.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'test/.runnable');
const FOLDERS = ['guide', 'demos', 'tasks', 'ko'];

/** The runnable blocks of every Markdown page under FOLDERS: [page, index, code]. */
function runnableBlocks(): [string, number, string][] {
  const blocks: [string, number, string][] = [];
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
    );
  for (const folder of FOLDERS) {
    let files: string[] = [];
    try {
      files = walk(join(root, folder));
    } catch {
      continue; // a folder the site does not have (yet)
    }
    for (const file of files) {
      const re = /<!-- runnable[^>]*-->\n```ts\n([\s\S]*?)\n```/g;
      let k = 0;
      for (const m of readFileSync(file, 'utf8').matchAll(re))
        blocks.push([relative(root, file), k++, m[1]!]);
    }
  }
  return blocks;
}

const BLOCKS = runnableBlocks();

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the guides’ runnable code blocks', () => {
  it('include the first model of getting-started and demo 2’s program', () => {
    const pages = BLOCKS.map(([page]) => page);
    expect(pages).toContain('guide/getting-started.md');
    expect(pages).toContain('demos/window-regression.md');
  });

  it.each(BLOCKS)('%s, block %i, runs as shown', async (page, k, code) => {
    mkdirSync(out, { recursive: true });
    const file = join(out, `${page.replace(/[/.]/g, '_')}_${k}.ts`);
    writeFileSync(file, code);
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      log.mockRestore();
    }
    console.log(`${page} block ${k} printed:\n${printed.join('\n')}`);
    expect(printed.length).toBeGreaterThan(0);
  });
});
