/**
 * The built site in headless Chromium: every page opens with no console error, uncaught error or
 * failed request; demo 1 trains the tutorial's sentence to convergence; demo 2 trains until both
 * plots render. Screenshots of each demo go to `test-artifacts/` (gitignored).
 *
 * The site is built first when `.vitepress/dist` is missing or older than any source file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CHROMIUM_ARGS,
  chromiumPath,
  type StaticServer,
  serveStatic,
  WEBGL_ARGS,
} from '@rnnkit/browser-tests/harness';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, '.vitepress/dist');
const artifacts = join(root, 'test-artifacts');

/** Newest modification time under `path` (skipping build output and dependencies). */
function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) {
    if (['node_modules', 'dist', 'cache', 'test-artifacts', '.vitest', 'test'].includes(name))
      continue;
    t = Math.max(t, newest(join(path, name)));
  }
  return t;
}

function buildIfNeeded(): void {
  let built = 0;
  try {
    built = statSync(join(dist, 'index.html')).mtimeMs;
  } catch {
    // not built yet
  }
  if (built > newest(root)) return;
  execFileSync('npx', ['vitepress', 'build'], { cwd: root, stdio: 'inherit' });
}

const PAGES = [
  '/',
  '/guide/getting-started.html',
  '/guide/theory.html',
  '/guide/artifact.html',
  '/guide/performance.html',
  '/packages/vocab.html',
  '/packages/windowing.html',
  '/packages/models.html',
  '/packages/training.html',
  '/demos/char-model.html',
  '/demos/window-regression.html',
  '/demos/rnn-cell.html',
  '/demos/generate.html',
];

let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  buildIfNeeded();
  mkdirSync(artifacts, { recursive: true });
  server = await serveStatic({ '/': dist });
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, ...WEBGL_ARGS],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens `path` and collects console errors, uncaught errors and failed requests. */
async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
    // a stylesheet or script served with the wrong MIME type is only a warning, but breaks the page
    if (m.type() === 'warning' && /MIME type/.test(m.text()))
      errors.push(`console.warning: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(server.origin + path, { waitUntil: 'networkidle' });
  return { page, errors };
}

describe('every page', () => {
  it.each(PAGES)('%s opens cleanly', async (path) => {
    const { page, errors } = await open(path);
    try {
      expect(await page.locator('h1').first().textContent()).toBeTruthy();
      // the theme's stylesheet applied: the top bar is fixed, not in the flow of the page
      expect(await page.$eval('.VPNav', (el) => getComputedStyle(el).position)).toMatch(
        /fixed|sticky/,
      );
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the theory page renders its maths', async () => {
    const { page } = await open('/guide/theory.html');
    try {
      expect(await page.locator('mjx-container').count()).toBeGreaterThan(5);
    } finally {
      await page.close();
    }
  });
});

describe('demo 1: the character model', () => {
  let cpuLines: string[] = [];

  it('prints the same lines as the CLI on the cpu backend', async () => {
    const { page, errors } = await open('/demos/char-model.html?backend=cpu');
    try {
      await page.click('[data-action="start"]');
      await page.waitForFunction(
        () =>
          /^(done|stopped|error)/.test(
            document.querySelector('[data-out="status"]')?.textContent ?? '',
          ),
        null,
        { timeout: 240_000 },
      );
      expect(await page.textContent('[data-out="backend"]')).toBe('cpu');
      const lines = (await page.textContent('[data-out="lines"]'))!.split('\n');
      cpuLines = lines;
      // apps/cli's README: `pnpm rnnkit demo` (seed 0) prints these lines on cpu
      expect(lines[0]).toBe('0  2.6969  Ma .amg .s ya Myungm.aa.');
      expect(lines[6]).toBe('6  0.5707  My name is Ji Myung Hwa.');
      expect(lines[19]).toBe('19  0.0107  My name is Ji Myung Hwa.');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('trains the default sentence to convergence on WebGL (SwiftShader), as on cpu within 1e-3', async () => {
    const { page, errors } = await open('/demos/char-model.html');
    try {
      await page.click('[data-action="start"]');
      await page.waitForFunction(
        () =>
          /^(done|stopped|error)/.test(
            document.querySelector('[data-out="status"]')?.textContent ?? '',
          ),
        null,
        { timeout: 240_000 },
      );
      const status = await page.textContent('[data-out="status"]');
      expect(status).toMatch(/^done/);
      const lines = (await page.textContent('[data-out="lines"]'))!.split('\n');
      expect(lines).toHaveLength(20);
      expect(lines[0]).toMatch(/^0 {2}\d+\.\d{4} {2}/);
      expect(lines[19]).toMatch(/^19 {2}\d+\.\d{4} {2}My name is Ji Myung Hwa\.$/);
      expect(await page.textContent('[data-out="backend"]')).toBe('webgl');
      // SwiftShader WebGL agrees with the cpu run: losses within 1e-3
      // (the lines print 4 decimals), the same predictions
      expect(cpuLines).toHaveLength(20);
      lines.forEach((line, i) => {
        const [, loss, prediction] = line.match(/^\d+ {2}(\S+) {2}(.*)$/)!;
        const [, cpuLoss, cpuPrediction] = cpuLines[i]!.match(/^\d+ {2}(\S+) {2}(.*)$/)!;
        expect(Math.abs(Number(loss) - Number(cpuLoss))).toBeLessThanOrEqual(1e-3 + 1e-9);
        expect(prediction).toBe(cpuPrediction);
      });
      await page.screenshot({ path: join(artifacts, 'demo-1-char-model.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('demo 2: the window regression', () => {
  it('trains the LSTM(1) and renders the scatter and the loss curve', async () => {
    const { page, errors } = await open('/demos/window-regression.html?epochs=60');
    try {
      await page.click('[data-action="start"]');
      await page.waitForFunction(
        () =>
          /^(done|stopped|error)/.test(
            document.querySelector('[data-out="status"]')?.textContent ?? '',
          ),
        null,
        { timeout: 240_000 },
      );
      expect(await page.textContent('[data-out="status"]')).toMatch(/^done/);
      // 20 test windows, two series: 40 points; the loss curve is one path
      expect(await page.locator('[data-out="scatter"] circle').count()).toBe(40);
      expect(await page.locator('[data-out="loss"] path').count()).toBe(1);
      expect(await page.textContent('[data-out="summary"]')).toMatch(/Total params: 12/);
      await page.screenshot({
        path: join(artifacts, 'demo-2-window-regression.png'),
        fullPage: true,
      });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('demo 3: the RNN cell explorer', () => {
  /** The shown step's columns, as numbers: { x: [4], hPrev: [4], Wxx, Whh, b, z, h }. */
  const read = (page: Page) =>
    page.$$eval('[data-out="step"] td', (tds) => {
      const cols: Record<string, number[]> = {};
      for (const td of tds)
        (cols[(td as HTMLElement).dataset.col!] ??= []).push(Number(td.textContent));
      return cols;
    });

  it('shows h_t = tanh(W_x x_t + W_h h_{t-1} + b) and carries h_t to the next step', async () => {
    const { page, errors } = await open('/demos/rnn-cell.html');
    try {
      const s1 = await read(page);
      expect(s1.x).toEqual([1, 0, 0, 0]); // 'h'
      expect(s1.hPrev).toEqual([0, 0, 0, 0]); // h_0 = 0
      for (let i = 0; i < 4; i++) {
        // the page shows 3 decimals
        expect(s1.z![i]!).toBeCloseTo(s1.Wxx![i]! + s1.Whh![i]! + s1.b![i]!, 2);
        expect(s1.h![i]!).toBeCloseTo(Math.tanh(s1.z![i]!), 2);
      }
      await page.click('[data-action="next"]');
      await page.click('[data-action="next"]');
      expect(await page.textContent('[data-out="t"]')).toBe('3');
      const s3 = await read(page);
      await page.click('[data-action="next"]');
      const s4 = await read(page);
      expect(s4.x).toEqual(s3.x); // 'l' twice: the same input, ...
      expect(s4.Wxx).toEqual(s3.Wxx);
      expect(s4.hPrev).toEqual(s3.h); // ... the state carried over,
      expect(s4.h).not.toEqual(s3.h); // ... a different output
      await page.screenshot({ path: join(artifacts, 'demo-3-rnn-cell.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('demo 4: text generation', () => {
  const waitIdle = (page: Page) =>
    page.waitForFunction(
      () => !(document.querySelector('[data-action="generate"]') as HTMLButtonElement).disabled,
      null,
      { timeout: 120_000 },
    );

  it('generates from the shipped model, then the same text after an IndexedDB round trip', async () => {
    const { page, errors } = await open('/demos/generate.html');
    try {
      await waitIdle(page);
      expect(await page.textContent('[data-out="status"]')).toMatch(/^ready/);
      expect(await page.textContent('[data-out="source"]')).toMatch(
        /models\/char-lm\/model\.json$/,
      );
      await page.click('[data-action="generate"]');
      await waitIdle(page);
      const first = (await page.textContent('[data-out="text"]'))!;
      expect(first.startsWith('Call me ')).toBe(true);
      expect(first.length).toBeGreaterThan(200);
      await page.click('[data-action="roundTrip"]');
      await waitIdle(page);
      expect(await page.textContent('[data-out="source"]')).toBe('indexeddb://rnnkit-demo-char-lm');
      await page.click('[data-action="generate"]');
      await waitIdle(page);
      expect(await page.textContent('[data-out="text"]')).toBe(first); // same weights, same seed
      await page.screenshot({ path: join(artifacts, 'demo-4-generate.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
