/**
 * What the packaging tests share: the library packages, the workspace root, a child-process
 * runner that fails with the command's output, and file-size helpers.
 *
 * @example
 * ```ts
 * import { LIBRARIES, run } from './workspace.js';
 * LIBRARIES.map((l) => l.name); // ['vocab', 'windowing', 'models', 'training', 'datasets', 'tasks', 'interop']
 * run('node', ['--version']).stdout; // 'v20.20.2\n'
 * ```
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Footprint, ROOT } from './npm-project.mjs';

// the packing, installing and measuring half lives in plain JavaScript, shared with `pnpm bench`
export {
  type Footprint,
  LIBRARIES,
  pnpm,
  ROOT,
  runAsync,
  TFJS_VERSION,
  treeBytes,
} from './npm-project.mjs';

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
  /** Library name -> what `npm install` of its tarball alone puts in a fresh project. */
  footprints: Record<string, Footprint>;
  /** arethetypeswrong on each tarball (run by the setup, beside `npm install`). */
  attw: Record<string, RunResult & { code: number | null }>;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** The environment less NODE_PATH. */
function withoutNodePath(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_PATH: _, ...rest } = env;
  return rest;
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
    // without pnpm's NODE_PATH (the workspace's hoisted packages): a user's project sees its own
    env: options.env ?? withoutNodePath(process.env),
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
