import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('creates folders, replaces a file whole and leaves no temporary file', async () => {
    const path = join(dir, 'a', 'b.txt');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, 'two');
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'a'))).toEqual(['b.txt']);
  });

  it('keeps the old file when the write fails', async () => {
    const path = join(dir, 'keep.txt');
    writeFileSync(path, 'old');
    // a folder where the file's folder should be: mkdir/rename fail, the old file is untouched
    await expect(writeFileAtomic(join(path, 'child.txt'), 'new')).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old');
  });
});
