/**
 * The file-system seam of the artifact: the six calls it makes, as an object, so tests can inject
 * failures (ENOSPC, EACCES, a crash between two renames) and other runtimes can supply their own.
 * The default is Node's `fs/promises`, imported only when a folder path is used, so browser
 * bundles never load it.
 *
 * `writeFolderAtomic` writes a whole folder so that a reader sees either the previous folder or the
 * new one, never a mix: it writes every file into a fresh sibling folder, then swaps it in with two
 * renames (old -> backup, new -> target), rolls back if the second fails, and removes the backup.
 *
 * Neighbours in `artifact/`: `save.ts` and `load.ts` (the folder a model is saved as), `schema.ts`
 * (`rnnkit.json`), `tfjs-files.ts` and `file-system.ts` (where the files go), `errors.ts`.
 */
import { ArtifactError } from './errors.js';

export interface ArtifactFileSystem {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>;
  rm(path: string, options: { recursive: boolean; force: boolean }): Promise<void>;
  readdir(path: string): Promise<string[]>;
}

/** Node's fs/promises, loaded on first use. */
export async function nodeFileSystem(): Promise<ArtifactFileSystem> {
  const specifier = 'node:fs/promises'; // a variable: bundlers leave it alone
  return (await import(/* @vite-ignore */ specifier)) as ArtifactFileSystem;
}

/** `a/b` from a folder and a name (forward slashes work on every platform Node runs on). */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') || dir.endsWith('\\') ? dir + name : `${dir}/${name}`;
}

/** [parent, base] of a folder path, trailing separators ignored. */
export function splitPath(path: string): [string, string] {
  const p = path.replace(/[/\\]+$/, '') || path;
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  if (i < 0) return ['.', p];
  return [i === 0 ? p.slice(0, 1) : p.slice(0, i), p.slice(i + 1)];
}

export const errnoOf = (e: unknown): string | undefined => (e as { code?: string } | null)?.code;

/** Entries of a folder, or null if it does not exist. */
export async function listFolder(fs: ArtifactFileSystem, dir: string): Promise<string[] | null> {
  try {
    return await fs.readdir(dir);
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return null;
    throw e;
  }
}

/** What a failed write means for the user. */
function writeFailed(dir: string, step: string, e: unknown): ArtifactError {
  const code = errnoOf(e);
  const hint =
    code === 'ENOSPC'
      ? 'the disk is full: free some space or save to another disk'
      : code === 'EACCES' || code === 'EPERM'
        ? `no permission to write there: choose a folder you can write to, or fix the permissions of ${dir}'s parent`
        : code === 'EROFS'
          ? 'the file system is read-only: save somewhere else'
          : 'check the path and try again';
  return new ArtifactError(
    'WRITE_FAILED',
    dir,
    `saving the model to ${dir} failed while ${step} (${code ?? (e as Error)?.message ?? e}): ${hint}. Any previous model in ${dir} is unchanged`,
    { cause: e },
  );
}

/**
 * Writes `files` (name -> bytes, written in the given order) as the folder `dir`, replacing what
 * was there atomically. `allowed` lists the names an existing folder may hold: a folder with
 * anything else is not replaced (it is not ours to delete).
 */
export async function writeFolderAtomic(
  fs: ArtifactFileSystem,
  dir: string,
  files: ReadonlyArray<readonly [string, Uint8Array]>,
  allowed: ReadonlySet<string>,
): Promise<void> {
  const [parent, base] = splitPath(dir);
  const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 2 ** 32).toString(36)}`;
  const tmp = joinPath(parent, `.${base}.saving-${tag}`);
  const backup = joinPath(parent, `.${base}.previous-${tag}`);
  let existing: string[] | null;
  try {
    await fs.mkdir(parent, { recursive: true });
    existing = await listFolder(fs, dir);
  } catch (e) {
    throw writeFailed(dir, 'reading the target folder', e);
  }
  const foreign = (existing ?? []).filter((f) => !allowed.has(f));
  if (foreign.length > 0) {
    throw new ArtifactError(
      'NOT_AN_ARTIFACT',
      dir,
      `${dir} exists and holds files that are not part of a saved model (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}): save into a new or empty folder, or remove them first`,
    );
  }
  const cleanup = () => fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  try {
    await fs.mkdir(tmp, { recursive: false });
    for (const [name, data] of files) await fs.writeFile(joinPath(tmp, name), data);
  } catch (e) {
    await cleanup();
    throw writeFailed(dir, 'writing the new files', e);
  }
  let moved = false;
  try {
    if (existing !== null) {
      await fs.rename(dir, backup);
      moved = true;
    }
    await fs.rename(tmp, dir);
  } catch (e) {
    // put the previous folder back; if even that fails it is intact at `backup` (load() says so)
    if (moved) await fs.rename(backup, dir).catch(() => undefined);
    await cleanup();
    throw writeFailed(dir, 'moving the new folder into place', e);
  }
  if (moved) await fs.rm(backup, { recursive: true, force: true }).catch(() => undefined);
}

/** Sibling folders an interrupted save may have left holding the previous artifact. */
export async function findBackups(fs: ArtifactFileSystem, dir: string): Promise<string[]> {
  const [parent, base] = splitPath(dir);
  const entries = await listFolder(fs, parent).catch(() => null);
  return (entries ?? [])
    .filter((f) => f.startsWith(`.${base}.previous-`))
    .map((f) => joinPath(parent, f));
}
