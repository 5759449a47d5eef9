/**
 * A small line chart drawn with characters, for the end of a training run in the terminal.
 *
 * @example
 * ```ts
 * terminalChart([3, 2, 1.5, 1.2, 1.1], { width: 5, height: 3 }).join('\n');
 * // 3.0000 ┤*
 * //        ┤ *
 * // 1.1000 ┤  ***
 * ```
 */

export interface TerminalChartArgs {
  /** Columns of the plot (values are averaged into this many buckets). */
  width?: number;
  /** Rows of the plot. */
  height?: number;
}

/** The chart's lines (no trailing newline); an empty array when there is nothing to draw. */
export function terminalChart(values: readonly number[], args: TerminalChartArgs = {}): string[] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [];
  const width = Math.min(args.width ?? 60, finite.length);
  const height = args.height ?? 8;
  // mean of each bucket of consecutive values: one column each
  const cols = Array.from({ length: width }, (_, c) => {
    const a = Math.floor((c * finite.length) / width);
    const b = Math.max(a + 1, Math.floor(((c + 1) * finite.length) / width));
    let sum = 0;
    for (let i = a; i < b; i++) sum += finite[i]!;
    return sum / (b - a);
  });
  const lo = Math.min(...cols);
  const hi = Math.max(...cols);
  const span = hi - lo || 1;
  const rowOf = (v: number) => Math.round(((hi - v) / span) * (height - 1));
  const grid = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  cols.forEach((v, c) => {
    grid[rowOf(v)]![c] = '*';
  });
  const label = (v: number) => v.toFixed(4);
  const pad = Math.max(label(hi).length, label(lo).length);
  return grid.map((row, r) => {
    const tick = r === 0 ? label(hi) : r === height - 1 ? label(lo) : '';
    return `${tick.padStart(pad)} ┤${row.join('').trimEnd()}`;
  });
}
