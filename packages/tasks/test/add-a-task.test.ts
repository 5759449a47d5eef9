/**
 * CONTRIBUTING.md's "Add a task", followed step by step in a copy of this package: the toy task
 * in add-a-task/sequence-sum/ (step 1: its folder; step 5: its test) joins the task table (step
 * 2), `TASKS` (step 3) and the package's exports (step 4); then the copy type-checks and the toy
 * task's tests pass (it trains, evaluates, saves, and `loadTask` restores it by its name).
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const root = join(pkg, '..', '..');
// outside the workspace (a second @rnnkit/tasks in it would confuse pnpm and changesets)
const copy = mkdtempSync(join(tmpdir(), 'rnnkit-add-a-task-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** `text` with `line` put just before the first line that starts with `anchor`. */
function insertBefore(text: string, anchor: string, line: string): string {
  const at = text.indexOf(`\n${anchor}`);
  if (at < 0) throw new Error(`no line starting with ${JSON.stringify(anchor)}`);
  return `${text.slice(0, at + 1)}${line}\n${text.slice(at + 1)}`;
}

function edit(path: string, change: (text: string) => string): void {
  const file = join(copy, path);
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

function run(bin: string, args: string[]) {
  const r = spawnSync(join(root, 'node_modules', '.bin', bin), args, {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('CONTRIBUTING.md: Add a task', () => {
  it('adds the toy task sequence-sum as the walkthrough says, and its tests pass', () => {
    for (const f of ['src', 'package.json', 'tsconfig.json', 'vitest.config.ts']) {
      cpSync(join(pkg, f), join(copy, f), { recursive: true });
    }
    edit('tsconfig.json', (t) =>
      t.replace('../../tsconfig.base.json', join(root, 'tsconfig.base.json')),
    );
    edit('vitest.config.ts', (t) =>
      t.replace('../../vitest.shared.js', join(root, 'vitest.shared.js')),
    );
    // the package's dependencies and the workspace's tools (vitest, typescript, @types/node)
    mkdirSync(join(copy, 'node_modules'));
    for (const modules of [join(pkg, 'node_modules'), join(root, 'node_modules')]) {
      for (const name of readdirSync(modules).filter((n) => !n.startsWith('.'))) {
        symlinkSync(join(modules, name), join(copy, 'node_modules', name));
      }
    }
    // 1 and 5: the task's folder, with its test beside it
    cpSync(join(pkg, 'add-a-task', 'sequence-sum'), join(copy, 'src', 'sequence-sum'), {
      recursive: true,
    });
    // 2: its row of the task table
    edit('src/task-table.ts', (t) =>
      insertBefore(
        t,
        '} as const satisfies Record<string, TaskRow>;',
        "  sequenceSum: { name: 'sequence-sum', aliases: [], summary: 'the sum of a sequence' },",
      ),
    );
    // 3: its train, defaults and restore in TASKS
    edit('src/tasks.ts', (t) =>
      insertBefore(
        insertBefore(
          t,
          'import { TaskError }',
          "import { restoreSequenceSum, sequenceSum } from './sequence-sum/index.js';",
        ),
        '} as const satisfies {',
        '  sequenceSum: { ...sequenceSum, restore: restoreSequenceSum },',
      ),
    );
    // 4: its exports
    edit(
      'src/index.ts',
      (t) =>
        `${t}export type { SequenceSummer } from './sequence-sum/index.js';\nexport { sequenceSum } from './sequence-sum/index.js';\n`,
    );

    const tsc = run('tsc', ['--noEmit', '-p', '.']);
    expect(tsc.out).toBe('');
    expect(tsc.code).toBe(0);
    const tests = run('vitest', ['run', 'src/sequence-sum', '--reporter=dot']);
    expect(tests.out).toMatch(/Tests {2}2 passed \(2\)/);
    expect(tests.code).toBe(0);
  });
});
