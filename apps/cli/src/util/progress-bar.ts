/**
 * A one-line progress bar on stderr: `[#########...........]  450/1000 epochs  loss 0.0123`.
 * On a terminal it redraws in place; elsewhere (logs, CI) it prints a line every 10%.
 */
import type { Io } from '../io.js';

const WIDTH = 30;

export class ProgressBar {
  private lastDecile = -1;
  constructor(
    private readonly io: Io,
    private readonly total: number,
    private readonly unit: string,
  ) {}

  update(done: number, note = ''): void {
    const filled = Math.round((done / this.total) * WIDTH);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`;
    const line = `${bar} ${String(done).padStart(String(this.total).length)}/${this.total} ${this.unit}${note ? `  ${note}` : ''}`;
    if (this.io.isTTY) {
      this.io.err(`\r${line}${done === this.total ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor((done / this.total) * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.io.err(`${line}\n`);
    }
  }
}
