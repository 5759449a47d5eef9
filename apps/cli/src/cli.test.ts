/**
 * Every option of every command, parsed by the real command line (cli.ts) without running the
 * command: a value reaches the command exactly as typed (strings), as the number typed (numbers),
 * or is refused with a message naming the flag; a value starting with `-` is the flag's value.
 */
import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { run } from './cli.js';
import { CliError } from './errors.js';
import type { Io } from './io.js';

const io: Io = {
  out: () => {},
  write: () => {},
  err: () => {},
  isTTY: false,
  columns: () => undefined,
  stdin: async () => new Uint8Array(),
  stdinIsTTY: true,
  cwd: '/',
};

/** The shortest command line of each command. */
const COMMANDS = [
  ['demo'],
  ['train', 'text'],
  ['generate', 'm'],
  ['predict', 'm'],
  ['forecast', 'm'],
  ['eval', 'm'],
  ['inspect', 'm'],
  ['export', 'm'],
  ['datasets'],
];

interface Result {
  command: Command;
  options: Record<string, unknown>;
}

/** Parses `argv` as the CLI does; the parsed command, or the error it raised. */
async function parse(argv: string[]): Promise<Result | Error> {
  let result: Result | undefined;
  try {
    await run(argv, io, (command, _args, options) => {
      result = { command, options };
    });
  } catch (e) {
    return e as Error;
  }
  if (!result) throw new Error(`${argv.join(' ')}: nothing parsed`);
  return result;
}

/** The options of a command that take a value, with the key the command reads. */
async function valueOptions(argv: string[]): Promise<Option[]> {
  const r = await parse(argv);
  if (r instanceof Error) throw r;
  return r.command.options.filter((o) => o.required);
}

describe('every option of every command', () => {
  it.each(COMMANDS)(
    '%s: values as typed, numbers as typed, or an error naming the flag',
    async (...argv) => {
      const options = await valueOptions(argv);
      let strings = 0;
      for (const o of options) {
        const key = o.attributeName();
        const r = await parse([...argv, o.long!, '007']);
        if (r instanceof Error) {
          // a choice or a duration: refused, naming the flag and the value as typed
          expect(r).toBeInstanceOf(CliError);
          expect(r.message).toContain(`${o.long}`);
          expect(r.message).toContain('"007"');
          continue;
        }
        const got = r.options[key];
        if (typeof got === 'number') {
          expect(got, o.long).toBe(7);
          const dash = await parse([...argv, o.long!, '-1']);
          // -1 is the flag's value: taken, or refused with the flag's own message (never
          // "unknown option -1")
          if (dash instanceof Error) expect(dash.message).toMatch(new RegExp(`^${o.long} `));
          else expect(dash.options[key]).toBe(-1);
          continue;
        }
        strings++;
        for (const value of ['007', '', '0x10', '-1', '--json', ' spaced  out ', '1e3']) {
          const s = await parse([...argv, o.long!, value]);
          if (s instanceof Error) throw s;
          expect(s.options[key], `${o.long} ${JSON.stringify(value)}`).toBe(value);
        }
      }
      if (['train', 'predict', 'eval', 'forecast', 'generate', 'demo'].includes(argv[0]!)) {
        expect(strings).toBeGreaterThan(0);
      }
    },
  );

  it('--lr -1 is a bad learning rate, not an unknown option', async () => {
    const r = await parse(['train', 'text', '--lr', '-1']);
    expect(r).toBeInstanceOf(CliError);
    expect((r as Error).message).toBe(
      '--lr (learning rate) must be a number in [1e-8, 10], got "-1"',
    );
  });
});
