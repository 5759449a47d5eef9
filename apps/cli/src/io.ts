/** Where a command writes, injectable so tests can capture it. */
export interface Io {
  /** Results: what a pipe would want. */
  out: (line: string) => void;
  /** Results written as they come, without a newline (streamed generation). */
  write: (text: string) => void;
  /** Progress and notes, for people. */
  err: (text: string) => void;
  /** Whether stderr is a terminal (progress bars redraw in place only there). */
  isTTY: boolean;
  /** Folder that relative paths are resolved against. */
  cwd: string;
}

export function processIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    write: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
  };
}
