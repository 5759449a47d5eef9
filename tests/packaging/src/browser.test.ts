/**
 * The packed packages in a browser bundle: a page that imports `@rnnkit/tasks` from the project
 * where `npm install` put the tarballs is bundled by Vite (the shared harness's `buildPage`) and
 * run in headless Chromium. It trains a tiny character model on the cpu backend, generates, saves
 * to IndexedDB and loads the task back; the same job run by Node from the same install must give
 * the same text (`consumers/tiny-lm.mjs` is shared by both).
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { openPage, type PageSession } from '@rnnkit/browser-tests/harness';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { run } from './workspace.js';

const { fullProject } = inject('packaging');

interface TinyLm {
  backend: string;
  fastKernel: boolean;
  defaults: string;
  bitsPerChar: number;
  text: string;
  reloaded: string;
  leaked: number;
}

/** The harness's page side (`expose`), beside the harness module the package exports. */
const PAGE_API = join(
  dirname(createRequire(import.meta.url).resolve('@rnnkit/browser-tests/harness')),
  'page-api.ts',
);

let session: PageSession;
let inNode: TinyLm;

beforeAll(async () => {
  copyFileSync(
    new URL('./consumers/tiny-lm.mjs', import.meta.url),
    join(fullProject, 'tiny-lm.mjs'),
  );
  // the page entry lives in the consumer project, so Vite resolves @rnnkit/* and tfjs from the
  // tarballs npm installed there, as a user's bundler would
  const entry = join(fullProject, 'browser-page.mjs');
  writeFileSync(
    entry,
    `import { expose } from ${JSON.stringify(PAGE_API)};
import { tinyLm } from './tiny-lm.mjs';
expose({ tinyLm: (location) => tinyLm(location) });
`,
  );
  const script = `import { tinyLm } from './tiny-lm.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const dir = mkdtempSync(join(tmpdir(), 'rnnkit-tiny-'));
try { console.log(JSON.stringify(await tinyLm(join(dir, 'lm')))); } finally { rmSync(dir, { recursive: true }); }`;
  writeFileSync(join(fullProject, 'tiny-lm-node.mjs'), script);
  inNode = JSON.parse(
    run(process.execPath, ['tiny-lm-node.mjs'], { cwd: fullProject }).stdout,
  ) as TinyLm;
  session = await openPage({ entry });
});

afterAll(async () => {
  await session?.close();
});

describe('@rnnkit/tasks bundled by Vite, in Chromium', () => {
  it('trains, generates, saves to IndexedDB and loads back, as in Node', async () => {
    const page = await session.call<TinyLm>('tinyLm', 'indexeddb://rnnkit-packaging-lm');
    console.log(
      `browser: ${page.defaults}; ${page.bitsPerChar.toFixed(4)} bits/char; ${JSON.stringify(page.text)}`,
    );
    console.log(
      `node:    ${inNode.defaults}; ${inNode.bitsPerChar.toFixed(4)} bits/char; ${JSON.stringify(inNode.text)}`,
    );
    expect(page.backend).toBe('cpu');
    expect([page.fastKernel, inNode.fastKernel]).toEqual([true, true]);
    expect(page.text.length).toBeGreaterThan(0);
    expect(page.reloaded).toBe(page.text);
    expect(page.leaked).toBe(0);
    expect(page.text).toBe(inNode.text);
    expect(Math.abs(page.bitsPerChar - inNode.bitsPerChar)).toBeLessThan(1e-4);
    expect(page.bitsPerChar).toBeLessThan(1); // it learned the sentence
    expect(session.errors()).toEqual([]);
  });

  it('the bundle imports nothing from node: statically (printed: its size)', async () => {
    const scripts = session.server.requests
      .filter((r) => r.startsWith('200 ') && r.endsWith('.js'))
      .map((r) => r.slice(4));
    expect(scripts).toContain('/page.js');
    let bytes = 0;
    const staticNodeImports: string[] = [];
    for (const path of new Set(scripts)) {
      const body = await (await fetch(`${session.server.origin}${path}`)).text();
      bytes += Buffer.byteLength(body);
      for (const m of body.matchAll(/^\s*import\s[^;]*?from\s*['"](node:[^'"]+)['"]/gm)) {
        staticNodeImports.push(`${path}: ${m[1]}`);
      }
    }
    console.log(`BENCH bundle.tasks.bytes ${bytes}`);
    expect(staticNodeImports).toEqual([]);
  });
});
