/**
 * What the packaging tests share: the library packages, the workspace root, a child-process
 * runner that fails with the command's output, and file-size helpers.
 *
 * @example
 * ```ts
 * import { LIBRARIES, run } from './workspace.js';
 * LIBRARIES.map((l) => l.name); // ['vocab', 'windowing', 'models', 'training', 'datasets', 'tasks']
 * run('node', ['--version']).stdout; // 'v20.20.2\n'
 * ```
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tests/packaging/src/workspace.ts). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every publishable package, in dependency order (a package's dependencies come before it). */
export const LIBRARIES = ['vocab', 'windowing', 'models', 'training', 'datasets', 'tasks'].map(
  (name) => ({ name, npmName: `@rnnkit/${name}`, dir: join(ROOT, 'packages', name) }),
);

/** The tfjs version every library is tested with (their peer range is ~4.22.0). */
export const TFJS_VERSION = '4.22.0';

/** What `provide()` hands from the global setup to the test files. */
export interface PackagingContext {
  /** The temp folder holding everything below; removed by the teardown. */
  tmp: string;
  /** Library name -> absolute path of its tarball. */
  tarballs: Record<string, string>;
  /** A project with every tarball and tfjs from the registry installed by `npm install`. */
  fullProject: string;
  /** A project with only @rnnkit/vocab installed. */
  vocabProject: string;
  /** arethetypeswrong on each tarball (run by the setup, beside `npm install`). */
  attw: Record<string, RunResult & { code: number | null }>;
}

/**
 * How to run pnpm: `pnpm` when it is on PATH (a global install, or the bin folder `npx -y pnpm`
 * puts there for the README's commands), else `npx -y pnpm@<packageManager's version>`.
 */
export function pnpm(args: readonly string[]): [string, string[]] {
  if (spawnSync('pnpm', ['--version'], { encoding: 'utf8' }).status === 0)
    return ['pnpm', [...args]];
  const { packageManager } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    packageManager: string;
  };
  return ['npx', ['-y', packageManager, ...args]];
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion; throws with its exit status and both outputs when it fails, so a
 * failing `npm install` or script says why in the test report.
 */
export function run(
  cmd: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): RunResult {
  const r = spawnSync(cmd, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(
      `'${cmd} ${args.join(' ')}' in ${options.cwd ?? ROOT} failed ` +
        `(${r.error?.message ?? `exit ${r.status ?? r.signal}`}):\n${r.stdout}\n${r.stderr}`,
    );
  }
  return { stdout: r.stdout, stderr: r.stderr };
}

/**
 * `run` for commands that should run side by side (arethetypeswrong while npm installs): resolves
 * with the exit code and both outputs, never rejects for a failing command.
 */
export function runAsync(
  cmd: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult & { code: number | null }> {
  return new Promise((ok) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => ok({ code: null, stdout, stderr: `${stderr}${e.message}` }));
    child.on('close', (code) => ok({ code, stdout, stderr }));
  });
}

/** Bytes of every file under `dir` (apparent sizes, symlinks not followed), like `du -sb`. */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/**
 * The runtime names a package's `src/index.ts` exports: every `export { a, b as c } from` block
 * except `export type` ones, and `type` members inside mixed blocks. This is the public API the
 * installed package must expose, no more, no less.
 */
export function declaredExports(packageDir: string): string[] {
  const source = readFileSync(join(packageDir, 'src', 'index.ts'), 'utf8');
  const names: string[] = [];
  for (const m of source.matchAll(/^export\s+(type\s+)?\{([^}]*)\}/gm)) {
    if (m[1] !== undefined) continue;
    for (const raw of (m[2] ?? '').split(',')) {
      const item = raw.replace(/\/\/.*$/gm, '').trim();
      if (item === '' || item.startsWith('type ')) continue;
      const parts = item.split(/\s+as\s+/);
      names.push((parts[1] ?? parts[0] ?? '').trim());
    }
  }
  for (const m of source.matchAll(
    /^export\s+(?:async\s+)?(?:function|class|const|let)\s+(\w+)/gm,
  )) {
    names.push(m[1] ?? '');
  }
  return names.sort();
}
