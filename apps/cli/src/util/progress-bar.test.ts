import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { CLEAR_LINE, fitLine, ProgressBar } from './progress-bar.js';

/** An Io that keeps what goes to stderr, on a terminal of `columns` (or not a terminal). */
function capture(columns: number | undefined) {
  const err: string[] = [];
  const io: Io = {
    out: () => {},
    write: () => {},
    err: (t) => err.push(t),
    isTTY: columns !== undefined,
    columns: () => columns,
    stdin: async () => new Uint8Array(),
    stdinIsTTY: true,
    cwd: '/',
  };
  return { io, err };
}

describe('fitLine', () => {
  it('never reaches the last column, for any text and width', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 1, max: 300 }), (text, cols) => {
        expect(fitLine(text, 3, 7, cols).length).toBeLessThan(Math.max(cols, 2));
      }),
    );
  });

  it('shrinks the bar before it cuts the text, and drops a bar too small to read', () => {
    const text = '450/1000 epochs  loss 0.0123'; // 28 characters
    expect(fitLine(text, 450, 1000, 80)).toBe(`[##############................] ${text}`);
    expect(fitLine(text, 450, 1000, 50)).toBe(`[########..........] ${text}`);
    expect(fitLine(text, 450, 1000, 40)).toBe(text);
    expect(fitLine(text, 450, 1000, 20)).toBe('450/1000 epochs  lo');
  });
});

describe('ProgressBar', () => {
  it('redraws in place on a terminal: \\r, the fitted line, clear to the end of the line', () => {
    const { io, err } = capture(40);
    const bar = new ProgressBar(io, 4, 'steps');
    for (let i = 1; i <= 4; i++) bar.update(i, 'loss 0.1234  a long note that will not fit');
    expect(err).toHaveLength(4);
    for (const e of err) {
      expect(e.startsWith('\r')).toBe(true);
      expect(e.replace(/\n$/, '').endsWith(CLEAR_LINE)).toBe(true);
      expect(e.replace('\r', '').replace(CLEAR_LINE, '').replace('\n', '').length).toBeLessThan(40);
    }
    expect(err.at(-1)!.endsWith('\n')).toBe(true);
  });

  it('prints a plain line every 10% elsewhere', () => {
    const { io, err } = capture(undefined);
    const bar = new ProgressBar(io, 100, 'steps');
    for (let i = 1; i <= 100; i++) bar.update(i);
    expect(err).toHaveLength(11); // deciles 0..10
    for (const e of err) expect(e).toMatch(/^\[[#.]{30}\] +\d+\/100 steps\n$/);
  });
});
