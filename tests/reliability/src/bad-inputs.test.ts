/**
 * Runs every bad input of `cases.ts` and checks its outcome: a typed error of the expected class
 * and code, a CLI failure with one message line and no partial output, or the documented
 * behaviour. Nothing may throw an unrelated exception or hang (each row has a time limit).
 * Then it renders docs/reliability.md and fails when the committed file differs; regenerate it
 * with `RELIABILITY_UPDATE=1 npx vitest run src/bad-inputs.test.ts` here, or
 * `pnpm --filter @rnnkit/reliability-tests update-doc`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CASES, cliMessage } from './cases.js';
import { type Row, renderDoc } from './doc.js';
import { type CliResult, cpuBackend, normalise, TMP } from './fixtures.js';

const DOC = new URL('../../../docs/reliability.md', import.meta.url).pathname;
const rows: Row[] = [];

beforeAll(cpuBackend);

describe('bad inputs', () => {
  it('has at least 40 of them', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c, i) => ({ ...c, n: i + 1 })))('$n $where: $input', async (c) => {
    const o = c.outcome;
    let result: unknown;
    let error: unknown;
    try {
      result = await c.run();
    } catch (e) {
      error = e;
    }
    const row: Row = { input: c.input, where: c.where, outcome: '', message: '' };
    if ('error' in o) {
      if (!(error instanceof o.error)) {
        throw new Error(
          `expected ${o.error.name} ${o.code}, got ${error === undefined ? 'no error' : String((error as Error)?.stack ?? error)}`,
        );
      }
      expect((error as { code?: string }).code).toBe(o.code);
      expect((error as Error).message.length).toBeGreaterThan(20);
      row.outcome = `\`${(error as Error).name}\` \`${o.code}\``;
      row.message = normalise((error as Error).message);
    } else if ('exit' in o) {
      if (error !== undefined) throw error;
      const r = result as CliResult;
      const message = cliMessage(r);
      expect(r.code, r.stderr).toBe(o.exit);
      // one line for people, no stack trace or unrelated exception
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(message).toMatch(/^(error: )?\S/);
      if (o.out !== undefined) expect(existsSync(join(TMP, o.out))).toBe(false);
      row.outcome = `exit ${o.exit}${o.out === undefined ? '' : ', no output folder'}`;
      row.message = normalise(message);
    } else {
      if (error !== undefined) throw error;
      o.check(result);
      row.outcome = o.behaviour;
      row.message = '(none)';
    }
    rows.push(row);
  });
});

describe('docs/reliability.md', () => {
  it('is up to date (regenerate: RELIABILITY_UPDATE=1 npx vitest run src/bad-inputs.test.ts)', () => {
    expect(rows.length).toBe(CASES.length);
    const doc = renderDoc(rows);
    if (process.env['RELIABILITY_UPDATE']) {
      mkdirSync(dirname(DOC), { recursive: true });
      writeFileSync(DOC, doc);
      return;
    }
    const committed = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '';
    expect(committed, 'docs/reliability.md is out of date').toBe(doc);
  });
});
