/**
 * The fast kernel's second thread in Chromium (issue 25): in a dedicated worker of a cross-origin
 * isolated page (COOP same-origin, COEP require-corp) the kernel runs the second half of each batch
 * on a nested Web Worker, with the numbers of its one-thread two-halves run bit for bit (training
 * losses and weights through the fused head, the kernel's outputs and gradients on dense x), no
 * tensor left behind, and one nested worker for every step. On a page's main thread, and in a
 * worker of a page that is not isolated, no second thread starts; one that cannot start (its wasm
 * binaries missing) says why, and the halves run on the worker's own thread, same numbers.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type PageSession } from './harness.js';
import type { ThreadsResult } from './pages/threads-worker.js';

const ENTRY = new URL('./pages/threads.ts', import.meta.url);
const WASM_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')),
  'dist',
);
const STEPS = 6;

/** The threads page for a describe block's tests, opened before them and closed after. */
function threadsPage(isolated: boolean): () => PageSession {
  let session: PageSession | undefined;
  beforeAll(async () => {
    session = await openPage({ entry: ENTRY, mounts: { '/tfjs-wasm/': WASM_DIR }, isolated });
  });
  afterAll(async () => {
    await session?.close();
  });
  return () => session as PageSession;
}

interface Started {
  isolated?: boolean;
  started: boolean;
  info: { thread: string | null; started: number; sent: number; error: string | null };
}

describe('the second thread in an isolated page', () => {
  const page = threadsPage(true);

  it("a worker's kernel runs half of each batch on a nested worker, bit for bit the one-thread numbers", async () => {
    const session = page();
    const r = await session.call<ThreadsResult>('worker', {
      name: 'compare',
      arg: { steps: STEPS },
    });
    expect(r.isolated).toBe(true);
    expect(r.cores).toBeGreaterThanOrEqual(2); // 'auto' halves on 2+ cores (CI has 2)
    expect(r.before).toMatchObject({ thread: null, started: 0, sent: 0, waitedMs: 0 });
    expect(r.started).toBe(true);
    expect(r.after.error).toBeNull();
    expect(r.after.thread).toBe('web');
    // one nested worker, reused: every step sent it a half (the gradient run one more)
    expect(r.after.started).toBe(1);
    expect(r.after.sent).toBeGreaterThanOrEqual(STEPS + 1);
    // where the threads waited: the nested worker's time on its halves came back with its
    // replies through the pipe; this thread's waits for them are counted (0 or more)
    expect(r.after.secondBusyMs).toBeGreaterThan(0);
    expect(r.after.waitedMs).toBeGreaterThanOrEqual(0);
    expect(r.threaded.losses).toEqual(r.inline.losses);
    expect(r.inline.losses.every(Number.isFinite)).toBe(true);
    expect(r.inline.losses.at(-1)).toBeLessThan(r.inline.losses[0] as number); // it trains
    expect(r.compared).toBeGreaterThan(30_000);
    expect(r.differ).toBe(0);
    // no tensor left by a step, nor by either run
    for (const t of [r.inline.tensors, r.threaded.tensors]) {
      expect(new Set(t.slice(0, STEPS)).size).toBe(1);
      expect(t.slice(-2)).toEqual([r.tensorsAtStart, r.tensorsAtStart]);
    }
    expect(session.errors()).toEqual([]);
  });

  it("the page's main thread starts none (it may not block)", async () => {
    const session = page();
    const r = await session.call<Started>('mainThread', null);
    expect(r.isolated).toBe(true);
    expect(r.started).toBe(false);
    expect(r.info).toMatchObject({ thread: null, started: 0 });
  });
});

describe('a page that is not isolated', () => {
  const page = threadsPage(false);

  it('its worker starts no second thread (no SharedArrayBuffer)', async () => {
    const session = page();
    const r = await session.call<Started>('worker', { name: 'start', arg: null });
    expect(r.started).toBe(false);
    expect(r.info).toMatchObject({ thread: null, started: 0, sent: 0 });
    expect(session.errors()).toEqual([]);
  });
});

describe('a second thread that cannot start', () => {
  const page = threadsPage(true);

  it('says why, and the halves run on this thread with the same numbers', async () => {
    const session = page();
    const r = await session.call<Started>('worker', {
      name: 'start',
      arg: { wasmPaths: '/nowhere/' }, // the nested worker's wasm backend finds no binary
    });
    expect(r.started).toBe(false);
    expect(r.info.thread).toBeNull();
    expect(r.info.error).toMatch(/second thread's wasm backend failed/);
    const c = await session.call<ThreadsResult>('worker', { name: 'compare', arg: { steps: 2 } });
    expect(c.started).toBe(false);
    expect(c.after.sent).toBe(0);
    expect(c.after.started).toBe(1); // not retried
    expect(c.threaded.losses).toEqual(c.inline.losses);
    expect(c.differ).toBe(0);
  });
});
