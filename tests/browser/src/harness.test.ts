import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, openPage, type PageSession, serveStatic } from './harness.js';

describe('chromiumPath', () => {
  it('a missing Chromium fails with how to install it (the suite fails, never skips)', async () => {
    expect(() => chromiumPath('/nonexistent/chromium')).toThrow(
      /Chromium not found at \/nonexistent\/chromium.*scripts\/ensure-chromium\.mjs/,
    );
    await expect(
      openPage({
        entry: new URL('./pages/harness-check.ts', import.meta.url),
        executablePath: '/nonexistent/chromium',
      }),
    ).rejects.toThrow(/Chromium not found/);
  });
});

describe('serveStatic', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'rnnkit-static-'));
    await mkdir(join(tmp, 'site'));
    await mkdir(join(tmp, 'models', 'm'), { recursive: true });
    await writeFile(join(tmp, 'site', 'index.html'), '<p>site</p>');
    await writeFile(join(tmp, 'models', 'm', 'model.json'), '{"a":1}');
    await writeFile(join(tmp, 'secret.txt'), 'outside every mount');
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('serves each mount, the longest prefix first, and nothing outside them', async () => {
    const server = await serveStatic({ '/': join(tmp, 'site'), '/models/': join(tmp, 'models') });
    try {
      expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const page = await fetch(`${server.origin}/`);
      expect(await page.text()).toBe('<p>site</p>');
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const json = await fetch(`${server.origin}/models/m/model.json`);
      expect(await json.json()).toEqual({ a: 1 });
      expect(json.headers.get('content-type')).toMatch(/application\/json/);
      expect((await fetch(`${server.origin}/models/m/nope.json`)).status).toBe(404);
      expect((await fetch(`${server.origin}/models/..%2f..%2fsecret.txt`)).status).toBe(404);
      expect((await fetch(`${server.origin}/%2e%2e/secret.txt`)).status).toBe(404);
      expect(server.requests).toContain('200 /models/m/model.json');
      expect(server.requests).toContain('404 /models/m/nope.json');
    } finally {
      await server.close();
    }
  });
});

describe('openPage', () => {
  let session: PageSession;
  beforeAll(async () => {
    session = await openPage({ entry: new URL('./pages/harness-check.ts', import.meta.url) });
  });
  afterAll(() => session?.close());

  it('calls what the page exposes, with JSON in and out, in Chromium', async () => {
    const r = await session.call<{ got: unknown; userAgent: string }>('echo', { a: [1, 2] });
    expect(r.got).toEqual({ a: [1, 2] });
    expect(r.userAgent).toMatch(/Chrome\//);
    expect(session.errors()).toEqual([]);
  });

  it('collects console errors, uncaught errors and 404s; a rejection reaches the caller', async () => {
    await session.call('consoleError', { text: 'boom in the console' });
    await session.call('uncaught', { text: 'boom thrown later' });
    expect(await session.call('fetchMissing', null)).toBe(404);
    await expect(session.call('rejects', { text: 'boom rejected' })).rejects.toThrow(
      /boom rejected/,
    );
    await expect(session.call('nothing', null)).rejects.toThrow(
      /the page has no function 'nothing': it exposes echo, consoleError/,
    );
    const errors = session.errors().join('\n');
    expect(errors).toMatch(/console\.error: boom in the console/);
    expect(errors).toMatch(/uncaught: .*boom thrown later/);
    expect(errors).toMatch(/404/);
  });

  it('close() shuts the page and can be called twice', async () => {
    const s = await openPage({ entry: new URL('./pages/harness-check.ts', import.meta.url) });
    const { origin } = s.server;
    await s.close();
    await s.close();
    expect(s.page.isClosed()).toBe(true);
    await expect(fetch(`${origin}/`)).rejects.toThrow();
  });
});
