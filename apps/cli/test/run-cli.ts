/** Spawns the built CLI (`dist/bin.js`) as a user would, in a folder of the test's choosing. */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const bin = new URL('../dist/bin.js', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(cwd: string, args: string[]): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A text of `lines` lines of seeded pseudo-random words (a few kB: trains in a second). */
export function writeText(dir: string, name: string, lines = 40): string {
  const words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'dog', 'ran', 'to', 'log'];
  let s = 1;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s;
  };
  const text = Array.from({ length: lines }, () =>
    Array.from({ length: 8 }, () => words[next() % words.length]).join(' '),
  ).join('\n');
  const path = join(dir, name);
  writeFileSync(path, `${text}\n`);
  return path;
}

/** Errors for people: no stack trace lines. */
export const STACK_LINE = /\n\s+at /;

/** Runs a shell command line (pipes, `<` redirections) with `rnnkit` standing for the built CLI. */
export function shell(cwd: string, line: string, env: NodeJS.ProcessEnv = {}): CliResult {
  const rnnkit = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)}`;
  const r = spawnSync('sh', ['-c', line.replaceAll('rnnkit ', `${rnnkit} `)], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** How `signalledAfter` interrupts a run. */
export interface SignalPlan {
  signal: NodeJS.Signals;
  /** Progress events (`--json`) to wait for before signalling. */
  afterProgress: number;
  /**
   * Also signal the run's process group (the run gets its own), as `timeout` does: `at-once`
   * right after the process (the kernel may merge the two into one), `after-ack` as soon as the
   * run has said it took the first (so it surely handles two).
   */
  group?: 'at-once' | 'after-ack';
  /** Written to the run's standard input (else it is closed empty). */
  stdin?: string;
}

/** What a run prints when it takes an interrupt (worker-host.ts). */
const ACKNOWLEDGED = /SIG(INT|TERM): stopping after this step/;

/**
 * Runs the CLI with `args` (which should include `--json`), and once it has printed
 * `afterProgress` progress events sends it `signal`; resolves when it exits. Signalled on
 * progress, never after a delay, so no run depends on the machine's speed.
 */
export async function signalledAfter(
  cwd: string,
  args: string[],
  plan: SignalPlan,
): Promise<CliResult> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    // a delivery forced after the acknowledgement is a repeat of the first, not a second
    // interrupt, however long this busy machine takes to send it (worker-host.ts's ACK_MS)
    ...(plan.group === 'after-ack'
      ? { env: { ...process.env, RNNKIT_SIGNAL_REPEAT_MS: '60000' } }
      : {}),
    detached: plan.group !== undefined,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(plan.stdin ?? '');
  let stdout = '';
  let stderr = '';
  let sent = false;
  let groupSent = false;
  const toGroup = () => {
    groupSent = true;
    process.kill(-child.pid!, plan.signal);
  };
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (plan.group === 'after-ack' && !groupSent && ACKNOWLEDGED.test(stderr)) toGroup();
  });
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (!sent && (stdout.match(/"type":"progress"/g) ?? []).length >= plan.afterProgress) {
      sent = true;
      process.kill(child.pid!, plan.signal);
      if (plan.group === 'at-once') toGroup(); // microseconds later
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (!sent) throw new Error(`rnnkit ${args.join(' ')} ended before it was signalled`);
  if (plan.group !== undefined && !groupSent) {
    throw new Error(`rnnkit ${args.join(' ')} never said it took the interrupt`);
  }
  return { code, stdout, stderr };
}
