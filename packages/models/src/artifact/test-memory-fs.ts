/**
 * An in-memory `ArtifactFileSystem` for tests, with POSIX-like semantics for what the artifact
 * code uses, and a fault hook that can make any call fail with an errno (ENOSPC, EACCES, ...).
 */
import type { ArtifactFileSystem } from './file-system.js';

export type Op = 'readFile' | 'writeFile' | 'rename' | 'mkdir' | 'rm' | 'readdir';

export function errno(code: string): Error {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

export interface MemoryFs extends ArtifactFileSystem {
  files: Map<string, Uint8Array>;
  dirs: Set<string>;
  /** Called before every operation; throw to inject a failure. */
  fault: (op: Op, path: string) => void;
}

const norm = (p: string) => p.replace(/\/+$/, '').replace(/\/+/g, '/') || '/';
const parentOf = (p: string) => {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
};

export function memoryFs(): MemoryFs {
  const files = new Map<string, Uint8Array>();
  const dirs = new Set<string>(['.', '/']);
  const under = (dir: string) => (p: string) => p.startsWith(`${dir}/`);
  const fs: MemoryFs = {
    files,
    dirs,
    fault: () => {},
    async readFile(path) {
      const p = norm(path);
      fs.fault('readFile', p);
      const f = files.get(p);
      if (f === undefined) throw errno('ENOENT');
      return f.slice();
    },
    async writeFile(path, data) {
      const p = norm(path);
      fs.fault('writeFile', p);
      if (!dirs.has(parentOf(p))) throw errno('ENOENT');
      files.set(p, data.slice());
    },
    async rename(from, to) {
      const a = norm(from);
      const b = norm(to);
      fs.fault('rename', a);
      if (files.has(a)) {
        files.set(b, files.get(a)!);
        files.delete(a);
        return;
      }
      if (!dirs.has(a)) throw errno('ENOENT');
      if (dirs.has(b)) throw errno('ENOTEMPTY');
      for (const d of [...dirs].filter((d) => d === a || under(a)(d))) {
        dirs.delete(d);
        dirs.add(b + d.slice(a.length));
      }
      for (const [f, v] of [...files].filter(([f]) => under(a)(f))) {
        files.delete(f);
        files.set(b + f.slice(a.length), v);
      }
    },
    async mkdir(path, options) {
      const p = norm(path);
      fs.fault('mkdir', p);
      if (dirs.has(p)) {
        if (options.recursive) return;
        throw errno('EEXIST');
      }
      if (!dirs.has(parentOf(p))) {
        if (!options.recursive) throw errno('ENOENT');
        await fs.mkdir(parentOf(p), options);
      }
      dirs.add(p);
    },
    async rm(path, _options) {
      const p = norm(path);
      fs.fault('rm', p);
      files.delete(p);
      dirs.delete(p);
      for (const d of [...dirs].filter(under(p))) dirs.delete(d);
      for (const f of [...files.keys()].filter(under(p))) files.delete(f);
    },
    async readdir(path) {
      const p = norm(path);
      fs.fault('readdir', p);
      if (!dirs.has(p)) throw errno('ENOENT');
      const names = new Set<string>();
      for (const x of [...dirs, ...files.keys()]) {
        if (x !== p && parentOf(x) === p) names.add(x.slice(p.length + 1));
      }
      return [...names];
    },
  };
  return fs;
}
