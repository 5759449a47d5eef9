/**
 * A one-line progress bar on stderr: `[#########...........]  450/1000 epochs  loss 0.0123`.
 * On a terminal it redraws in place (`\r`, then the line fitted to the terminal's width, then
 * `ESC[K` to clear what a longer line left); the bar shrinks, then the note is cut, so the line
 * never wraps. Elsewhere (a pipe, a log, `TERM=dumb`) it prints a plain line every 10%, with no
 * `\r` and no escape code. The CLI writes no colour at all, so `NO_COLOR` has nothing to turn off.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar(io, 1000, 'epochs');
 * bar.update(450, 'loss 0.0123');
 * ```
 */
import type { Io } from '../io.js';

/** Characters of the bar when the line has room. */
const WIDTH = 30;
/** Below this the bar says too little: the line goes without it. */
const MIN_WIDTH = 10;
/** Assumed width of a terminal that does not say its own. */
const DEFAULT_COLUMNS = 80;
/** Clears from the cursor to the end of the line. */
export const CLEAR_LINE = '\x1b[K';

/** `[####......]` of `width` characters, `done/total` of it filled. */
function bar(done: number, total: number, width: number): string {
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/**
 * The line for a terminal of `columns`: at most `columns - 1` characters (writing the last column
 * wraps on some terminals), the bar as wide as fits (up to WIDTH), the text cut if need be.
 */
export function fitLine(text: string, done: number, total: number, columns: number): string {
  const room = columns - 1;
  const barWidth = Math.min(WIDTH, room - text.length - 3);
  const line = barWidth >= MIN_WIDTH ? `${bar(done, total, barWidth)} ${text}` : text;
  return line.length > room ? line.slice(0, Math.max(0, room)) : line;
}

export class ProgressBar {
  private lastDecile = -1;
  constructor(
    private readonly io: Io,
    private readonly total: number,
    private readonly unit: string,
  ) {}

  update(done: number, note = ''): void {
    const count = `${String(done).padStart(String(this.total).length)}/${this.total} ${this.unit}`;
    const text = note ? `${count}  ${note}` : count;
    if (this.io.isTTY) {
      const line = fitLine(text, done, this.total, this.io.columns() ?? DEFAULT_COLUMNS);
      this.io.err(`\r${line}${CLEAR_LINE}${done === this.total ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor((done / this.total) * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.io.err(`${bar(done, this.total, WIDTH)} ${text}\n`);
    }
  }
}
