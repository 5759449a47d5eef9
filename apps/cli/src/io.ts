/** Where a command reads and writes, injectable so tests can capture it. */
export interface Io {
  /** Results: what a pipe would want. */
  out: (line: string) => void;
  /** Results written as they come, without a newline (streamed generation). */
  write: (text: string) => void;
  /** Progress and notes, for people. */
  err: (text: string) => void;
  /**
   * Whether stderr redraws a line in place: a terminal that is not `TERM=dumb`. Elsewhere (a pipe,
   * a log file, a dumb terminal) progress is plain lines, with no `\r` and no escape code.
   */
  isTTY: boolean;
  /** Width of stderr's terminal in columns, read at each call (it follows a resize). */
  columns: () => number | undefined;
  /** All of standard input, as bytes: what `--data -` and `--file -` read. */
  stdin: () => Promise<Uint8Array>;
  /** Whether standard input is a terminal (so nothing is piped in). */
  stdinIsTTY: boolean;
  /** Folder that relative paths are resolved against. */
  cwd: string;
}

/** The file name `-` stands for standard input (`--data -`, `--file -`). */
export const STDIN = '-';
/** How standard input is named in messages. */
export const STDIN_NAME = 'stdin';

/** Whether `stream` is a terminal that can redraw a line (`TERM=dumb` cannot). */
export function redraws(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && env['TERM'] !== 'dumb';
}

/** Reads a stream to its end. */
export async function readAll(stream: AsyncIterable<Buffer | string>): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

export function processIo(): Io {
  let input: Promise<Uint8Array> | undefined;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    write: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTTY: redraws(process.stderr, process.env),
    columns: () => (process.stderr.isTTY ? process.stderr.columns : undefined),
    // read once: a second `-` gets the same bytes, not an empty stream
    stdin: () => {
      input ??= readAll(process.stdin);
      return input;
    },
    stdinIsTTY: Boolean(process.stdin.isTTY),
    cwd: process.cwd(),
  };
}
