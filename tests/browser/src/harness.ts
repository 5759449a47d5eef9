/**
 * The browser test harness: bundle a page entry with Vite into a temp folder, serve it (and any
 * other folders) from a static server on 127.0.0.1 at an ephemeral port, open it in headless
 * Chromium (Debian's `/usr/bin/chromium`, driven by playwright-core), call the functions the page
 * exposes, and collect console errors, uncaught page errors and failed requests. `openPage` returns
 * a session whose `close()` shuts the page, the browser, the server and the temp folder, in that
 * order, whatever failed before.
 *
 * A page entry registers its functions with `expose()` from `./page-api.js`; the harness calls
 * them by name with JSON arguments (`session.call('roundTrip', { backend: 'cpu' })`).
 *
 * @example
 * ```ts
 * import { openPage } from './harness.js';
 * const session = await openPage({ entry: new URL('./pages/artifact.ts', import.meta.url) });
 * try {
 *   const out = await session.call('backends', null); // e.g. ['cpu', 'webgl']
 *   session.errors(); // [] when the page logged no console error
 * } finally {
 *   await session.close();
 * }
 * ```
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';

/** Debian's Chromium, which `scripts/ensure-chromium.mjs` installs. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for a quiet, reproducible headless run: no sandbox (CI runs as root), no GPU process,
 * no background fetches or component updates (the suite must not touch the network).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Added by `webgl: true`: WebGL on the CPU through SwiftShader (no GPU in CI). */
export const WEBGL_ARGS: readonly string[] = [
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
];

/** `path` when it exists, else an error saying how to install it (the tests fail, never skip). */
export function chromiumPath(path: string = DEFAULT_CHROMIUM): string {
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}: the browser tests need it. Install it with ` +
        '`node scripts/ensure-chromium.mjs` (as root on Debian/Ubuntu it runs ' +
        '`apt-get install chromium`; `pnpm test` runs it first), or pass executablePath',
    );
  }
  return path;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.bin': 'application/octet-stream',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface StaticServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  origin: string;
  /** Paths requested so far, in order, with their status: `'200 /models/m/model.json'`. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves folders read-only: `mounts` maps a URL prefix (`'/'`, `'/models/'`) to a local folder;
 * the longest matching prefix wins. Paths that climb out of their folder get 404. `headers` go
 * on every response (`ISOLATION_HEADERS`).
 */
/**
 * Headers that make a page cross-origin isolated (`crossOriginIsolated`: SharedArrayBuffer, and
 * the fast kernel's second thread in a worker): `serveStatic(mounts, ISOLATION_HEADERS)`.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

export async function serveStatic(
  mounts: Record<string, string>,
  headers: Readonly<Record<string, string>> = {},
): Promise<StaticServer> {
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : `${prefix}/`, resolve(dir)] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (status: number, body: Uint8Array | string, type = 'text/plain') => {
      requests.push(`${status} ${path}`);
      res.writeHead(status, { ...headers, 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const mount = table.find(([prefix]) => path.startsWith(prefix));
    if (mount === undefined || req.method !== 'GET') return send(404, 'not found');
    const [prefix, dir] = mount;
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (file !== dir && !file.startsWith(dir + sep)) return send(404, 'not found');
    stat(file)
      .then(async (s) => {
        if (s.isDirectory()) file = join(file, 'index.html');
        const body = await readFile(file);
        send(200, body, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
      })
      .catch(() => send(404, 'not found'));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/**
 * Bundles `entry` (a browser module) with Vite into `outDir`: `page.js` plus its chunks and an
 * `index.html` that loads it. Returns the folder. Not minified, so stack traces stay readable.
 */
export async function buildPage(entry: string | URL, outDir: string): Promise<string> {
  const input = entry instanceof URL ? fileURLToPath(entry) : resolve(entry);
  await build({
    configFile: false,
    logLevel: 'error',
    root: outDir,
    publicDir: false,
    build: {
      outDir,
      emptyOutDir: false,
      minify: false,
      target: 'es2022',
      reportCompressedSize: false,
      rollupOptions: {
        input,
        output: { entryFileNames: 'page.js', chunkFileNames: '[name]-[hash].js' },
      },
    },
    // module workers (`new Worker(new URL(...), { type: 'module' })`), nested ones included
    worker: { format: 'es' },
  });
  // the data: favicon keeps Chromium from requesting /favicon.ico (a 404 is a console error)
  await writeFile(
    join(outDir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">' +
      '<title>rnnkit browser test</title></head><body>' +
      '<script type="module" src="./page.js"></script></body></html>\n',
  );
  return outDir;
}

export interface OpenPageArgs {
  /** The page's entry module; it calls `expose()` from `./page-api.js`. */
  entry: string | URL;
  /** More folders to serve, URL prefix -> folder (the page itself is at `/`). */
  mounts?: Record<string, string>;
  /** The Chromium binary. Default `DEFAULT_CHROMIUM`. */
  executablePath?: string;
  /** Launch Chromium with SwiftShader WebGL (`WEBGL_ARGS`). Default false. */
  webgl?: boolean;
  /** More Chromium flags, after the others (a bench's `--js-flags=...`). Default none. */
  chromiumArgs?: readonly string[];
  /** Serve with `ISOLATION_HEADERS` (a cross-origin isolated page). Default false. */
  isolated?: boolean;
  /** How long the page may take to call `expose()`, ms. Default 30 000. */
  readyTimeoutMs?: number;
}

export interface PageSession {
  page: Page;
  server: StaticServer;
  /** The page's URL. */
  url: string;
  /** Calls a function the page exposed; its result comes back through JSON. */
  call<T>(name: string, arg: unknown): Promise<T>;
  /** Console errors, uncaught page errors and failed requests seen so far. */
  errors(): string[];
  /** Every console line seen so far, as `'<type>: <text>'`. */
  logs(): string[];
  /** Closes page, browser, server and temp folder; safe to call twice. */
  close(): Promise<void>;
}

/** Runs each cleanup, even after one throws; rethrows the first failure. */
async function closeAll(steps: ReadonlyArray<() => Promise<unknown>>): Promise<void> {
  let first: unknown = null;
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      first ??= e;
    }
  }
  if (first !== null) throw first;
}

/** Builds, serves and opens a page entry in a fresh headless Chromium (see the module header). */
export async function openPage(args: OpenPageArgs): Promise<PageSession> {
  const executablePath = chromiumPath(args.executablePath);
  const dir = await mkdtemp(join(tmpdir(), 'rnnkit-browser-'));
  let server: StaticServer | null = null;
  let browser: Browser | null = null;
  const cleanup = [
    async () => browser?.close(),
    async () => server?.close(),
    () => rm(dir, { recursive: true, force: true }),
  ];
  try {
    await buildPage(args.entry, dir);
    server = await serveStatic(
      { ...args.mounts, '/': dir },
      args.isolated === true ? ISOLATION_HEADERS : {},
    );
    browser = await chromium.launch({
      executablePath,
      // playwright's own headless flag and a temp --user-data-dir come with launch()
      args: [
        ...CHROMIUM_ARGS,
        ...(args.webgl === true ? WEBGL_ARGS : []),
        ...(args.chromiumArgs ?? []),
      ],
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    const logs: string[] = [];
    page.on('console', (m) => {
      logs.push(`${m.type()}: ${m.text()}`);
      if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.stack ?? e.message}`));
    page.on('requestfailed', (r) =>
      errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`),
    );
    const url = `${server.origin}/`;
    await page.goto(url);
    await page.waitForFunction(() => '__rnnkit' in window, null, {
      timeout: args.readyTimeoutMs ?? 30_000,
    });
    let closed = false;
    const srv = server;
    return {
      page,
      server: srv,
      url,
      call: <T>(name: string, arg: unknown) =>
        page.evaluate(([n, a]) => (window as unknown as PageWindow).__rnnkit.call(n, a), [
          name,
          arg,
        ] as const) as Promise<T>,
      errors: () => [...errors],
      logs: () => [...logs],
      close: async () => {
        if (closed) return;
        closed = true;
        await closeAll(cleanup);
      },
    };
  } catch (e) {
    await closeAll(cleanup).catch(() => undefined);
    throw e;
  }
}

/** What `expose()` puts on `window` (see `page-api.ts`). */
interface PageWindow {
  __rnnkit: { call(name: string, arg: unknown): Promise<unknown> };
}
