/**
 * The CLI's one way to write a file: to a temporary file in the same folder, flushed to disk
 * (fsync), then renamed over the target and the folder flushed too. A reader, a crash or a power
 * cut never sees half a file, and an existing file is replaced whole or not at all (the training
 * checkpoints of `@rnnkit/training` are written the same way).
 *
 * @example
 * ```ts
 * await writeFileAtomic('out/loss.svg', svg);
 * ```
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(data);
      await file.sync(); // on disk before the rename publishes it
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncFolder(dir);
}

/** Flushes a folder's entries (the rename) to disk; a no-op where folders cannot be opened. */
async function syncFolder(dir: string): Promise<void> {
  let folder: Awaited<ReturnType<typeof open>> | undefined;
  try {
    folder = await open(dir, 'r');
    await folder.sync();
  } catch {
    // Windows cannot open a folder; its renames are durable on their own
  } finally {
    await folder?.close();
  }
}
