/**
 * Issue 5's artifact in a real browser: `save`/`load` through IndexedDB on every backend that
 * starts in headless Chromium, and a folder saved in Node loaded over http, with the same
 * predictions and the same seeded generation as in Node (cpu backend both sides).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generate, save } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  charInput,
  charModel,
  charVocab,
  maxAbsDiff,
  predictRows,
  seriesInput,
  seriesModel,
} from './fixtures.js';
import { openPage, type PageSession } from './harness.js';

const ENTRY = new URL('./pages/artifact.ts', import.meta.url);
/** tfjs-backend-wasm's dist/ (its .wasm binaries), served to the page at /tfjs-wasm/. */
const WASM_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')),
  'dist',
);
const GENERATE = { maxLength: 40, seed: 1234, temperature: 0.9, topK: 5 };

interface RoundTrip {
  backend: string;
  maxDiff: number;
  before: number[];
  savedMeta: string;
  loadedMeta: string;
  tensors: { start: number; saved: number; afterLoad: number; end: number };
  stored: string[];
}
interface Loaded {
  outputs: number[];
  meta: string;
  vocabSize: number | null;
  tensors: { start: number; end: number };
}

let session: PageSession;
let tmp: string;
/** What Node computed on the cpu backend, for the page to match. */
const node = {
  char: [] as number[],
  series: [] as number[],
  charMeta: '',
  seriesMeta: '',
  tokens: [] as number[][],
};
const prompts = () => charInput().map((row) => row.slice(0, 3));

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  tmp = await mkdtemp(join(tmpdir(), 'rnnkit-served-'));
  const char = charModel();
  const series = seriesModel();
  node.charMeta = JSON.stringify(await save(char.model, join(tmp, 'char'), char.meta));
  node.seriesMeta = JSON.stringify(await save(series.model, join(tmp, 'series'), series.meta));
  node.char = predictRows(char.model, charInput());
  node.series = predictRows(series.model, seriesInput());
  node.tokens = generate(char.model, { prompts: prompts(), ...GENERATE }).generations.map(
    (g) => g.tokens,
  );
  char.model.dispose();
  series.model.dispose();
  // one page for the whole file: the Vite build and the browser start are the slow part
  session = await openPage({
    entry: ENTRY,
    mounts: { '/models/': tmp, '/tfjs-wasm/': WASM_DIR },
    webgl: true,
  });
});

afterAll(async () => {
  await session?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('IndexedDB round trip in Chromium', () => {
  it('the cpu backend starts; webgl and wasm are reported', async () => {
    const backends = await session.call<string[]>('backends', null);
    expect(backends).toContain('cpu');
    console.log(`browser backends: ${backends.join(', ')}`);
  });

  for (const backend of ['cpu', 'webgl', 'wasm']) {
    for (const kind of ['char', 'series'] as const) {
      const what =
        kind === 'char' ? 'manyToMany char LM (lstm, oneHot)' : 'manyToOne regression (gru)';
      it(`${backend}: ${what} saves to indexeddb:// and loads with the same predictions and meta`, async (ctx) => {
        const backends = await session.call<string[]>('backends', null);
        // webgl needs SwiftShader; a Chromium without it skips webgl (cpu always runs)
        if (!backends.includes(backend)) ctx.skip(`${backend} does not start in this Chromium`);
        const r = await session.call<RoundTrip>(`${kind}RoundTrip`, { backend });
        expect(r.backend).toBe(backend);
        expect(r.before).toHaveLength(kind === 'char' ? 2 * 7 * charVocab().size : 2 * 2);
        expect(r.maxDiff).toBeLessThanOrEqual(1e-6);
        expect(JSON.parse(r.loadedMeta)).toEqual(JSON.parse(r.savedMeta));
        expect(r.stored).toContain(`indexeddb://rnnkit-${kind}-${backend}`);
        // the seeded builder makes the same model in the browser as in Node
        const nodeOut = kind === 'char' ? node.char : node.series;
        const vsNode = maxAbsDiff(r.before, nodeOut);
        console.log(
          `${backend} ${kind}: browser vs Node cpu max |diff| ${vsNode.toExponential(2)}`,
        );
        expect(vsNode).toBeLessThanOrEqual(backend === 'cpu' ? 1e-6 : 1e-4);
        // loading, predicting and disposing leaves nothing behind
        expect(r.tensors.afterLoad).toBe(r.tensors.saved);
        expect(r.tensors.end).toBe(r.tensors.start);
      });
    }
  }
});

// The page never names tf.io.http itself. tfjs registers its http load router as a side effect of
// io/http.js, which Vite 8 (Rolldown) drops when nothing names it; @rnnkit/models' load() names
// tf.io.http for http(s) URLs, so these loads are also the regression test for that.
describe('a folder saved in Node, loaded over http in Chromium', () => {
  it('manyToMany char LM: same logits as Node, meta and vocab come along', async () => {
    const r = await session.call<Loaded>('loadHttp', {
      url: `${session.server.origin}/models/char/model.json`,
      input: charInput(),
      backend: 'cpu',
    });
    expect(maxAbsDiff(r.outputs, node.char)).toBeLessThanOrEqual(1e-6);
    expect(JSON.parse(r.meta)).toEqual(JSON.parse(node.charMeta));
    expect(r.vocabSize).toBe(charVocab().size);
    expect(r.tensors.end).toBe(r.tensors.start);
    expect(session.server.requests).toContain('200 /models/char/rnnkit.json');
  });

  it('manyToOne regression: same forecasts as Node', async () => {
    const r = await session.call<Loaded>('loadHttp', {
      url: `${session.server.origin}/models/series/model.json`,
      input: seriesInput(),
      backend: 'cpu',
    });
    expect(maxAbsDiff(r.outputs, node.series)).toBeLessThanOrEqual(1e-6);
    expect(JSON.parse(r.meta)).toEqual(JSON.parse(node.seriesMeta));
    expect(r.tensors.end).toBe(r.tensors.start);
  });

  it('generate() with a seed gives the same tokens as in Node', async () => {
    const r = await session.call<{ tokens: number[][]; tensors: { start: number; end: number } }>(
      'generateHttp',
      { url: `${session.server.origin}/models/char/model.json`, prompts: prompts(), ...GENERATE },
    );
    expect(node.tokens[0]).toHaveLength(GENERATE.maxLength);
    expect(r.tokens).toEqual(node.tokens);
    expect(r.tensors.end).toBe(r.tensors.start);
  });

  it('a missing model fails with the artifact error, not a half-loaded model', async () => {
    await expect(
      session.call('loadHttp', {
        url: `${session.server.origin}/models/nothing/model.json`,
        input: seriesInput(),
        backend: 'cpu',
      }),
    ).rejects.toThrow(/nothing\/model\.json/);
  });
});

describe('the page', () => {
  it('logged no console error and no request failed', () => {
    // the missing-model test's 404 is expected; anything else is a bug
    const errors = session
      .errors()
      .filter((e) => !e.includes('/models/nothing/') && !/status of 404/.test(e));
    expect(errors).toEqual([]);
  });
});
