/**
 * Tiny dependency-free SVG charts as strings: a scatter of several series and a line chart (axes,
 * nice ticks, a legend, optionally a log y axis) and a heat map (attention weights). `rnnkit demo`
 * and `rnnkit train` write them to files, `rnnkit predict --attention-map` draws the heat map, and
 * the docs' demos put them in the page (this module imports nothing, so neither does the page).
 *
 * Colours follow the page they are drawn in: the background, the text and the axes take the
 * documentation theme's CSS variables (`--vp-c-bg`, `--vp-c-text-1`, `--vp-c-text-2`), so a chart
 * in the docs is dark in dark mode with light labels; the fallback in each `var()`, and the plain
 * attribute under it for a viewer without CSS variables, draws a file as before: dark on white.
 *
 * @example
 * ```ts
 * lineChart({ title: 'loss', series: [{ name: 'train', color: '#1f77b4', points: [[0, 1], [1, 0.5]] }] });
 * // '<svg xmlns="http://www.w3.org/2000/svg" ...'
 * ```
 */

export interface Series {
  name: string;
  color: string;
  points: ReadonlyArray<readonly [number, number]>;
}

export interface ChartArgs {
  title: string;
  xLabel?: string;
  yLabel?: string;
  series: readonly Series[];
  /** A log10 y axis (a loss curve over orders of magnitude); y <= 0 is drawn at 1e-12. Default false. */
  logY?: boolean;
  /** A `class` on the `<svg>` element (the docs style their charts by it). Default none. */
  className?: string;
}

/** Chart colours: the docs theme's variable, with what a file drawn alone uses. */
const BG = 'var(--vp-c-bg, #fff)';
const TEXT = 'var(--vp-c-text-1, #222)';
const MUTED = 'var(--vp-c-text-2, #555)';
/** The root's colour (`currentColor` of its text and axes) and its font. */
const ROOT = `font-family="sans-serif" font-size="12" color="#222" fill="currentColor" style="color: ${TEXT}"`;
/** The background: white, or the page's. */
const background = (w: number, h: number) =>
  `<rect width="${w}" height="${h}" fill="white" style="fill: ${BG}"/>`;

const W = 640;
const H = 400;
const M = { left: 64, right: 20, top: 40, bottom: 48 };

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** "Nice" tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

function frame(
  args: ChartArgs,
  body: (sx: (x: number) => number, sy: (y: number) => number) => string,
): string {
  // y is drawn on this scale: log10 with logY, else as it is
  const ty = (y: number) => (args.logY ? Math.log10(Math.max(y, 1e-12)) : y);
  const all = args.series.flatMap((s) => s.points);
  const finite = all.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = finite.map((p) => p[0]);
  const ys = finite.map((p) => ty(p[1]));
  let [x0, x1] = [Math.min(...xs, 0), Math.max(...xs, 1)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) [y0, y1] = [0, 1];
  if (y1 - y0 < 1e-12) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  if (x1 - x0 < 1e-12) [x0, x1] = [x0 - 1, x1 + 1];
  const sx = (x: number) => M.left + ((x - x0) / (x1 - x0)) * (W - M.left - M.right);
  // sy takes a data value; ticks on a log axis are already exponents
  const syScaled = (v: number) => H - M.bottom - ((v - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const sy = (y: number) => syScaled(ty(y));
  const fmt = (v: number) =>
    Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(v);
  const xt = ticks(x0, x1)
    .map(
      (v) =>
        `<line x1="${sx(v)}" y1="${H - M.bottom}" x2="${sx(v)}" y2="${H - M.bottom + 5}" stroke="currentColor"/><text x="${sx(v)}" y="${H - M.bottom + 18}" text-anchor="middle">${fmt(v)}</text>`,
    )
    .join('');
  const yt = ticks(y0, y1)
    .map(
      (v) =>
        `<line x1="${M.left - 5}" y1="${syScaled(v)}" x2="${M.left}" y2="${syScaled(v)}" stroke="currentColor"/><text x="${M.left - 8}" y="${syScaled(v) + 4}" text-anchor="end">${fmt(args.logY ? Number((10 ** v).toPrecision(3)) : v)}</text>`,
    )
    .join('');
  const legend = args.series
    .map(
      (s, i) =>
        `<rect x="${W - M.right - 120}" y="${M.top + i * 18}" width="10" height="10" fill="${s.color}"/><text x="${W - M.right - 104}" y="${M.top + 9 + i * 18}">${escapeXml(s.name)}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${ROOT}${args.className ? ` class="${escapeXml(args.className)}"` : ''}>`,
    background(W, H),
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(args.title)}</text>`,
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="currentColor"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="currentColor"/>`,
    xt,
    yt,
    args.xLabel
      ? `<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">${escapeXml(args.xLabel)}</text>`
      : '',
    args.yLabel
      ? `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(args.yLabel)}</text>`
      : '',
    body(sx, sy),
    legend,
    '</svg>',
    '',
  ].join('\n');
}

/** Points as dots, one colour per series. */
export function scatterChart(args: ChartArgs): string {
  return frame(args, (sx, sy) =>
    args.series
      .flatMap((s) =>
        s.points
          .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
          .map(
            ([x, y]) =>
              `<circle cx="${sx(x).toFixed(2)}" cy="${sy(y).toFixed(2)}" r="3.5" fill="${s.color}"/>`,
          ),
      )
      .join('\n'),
  );
}

/** Each series as a polyline. */
export function lineChart(args: ChartArgs): string {
  return frame(args, (sx, sy) =>
    args.series
      .map(
        (s) =>
          `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${s.points
            .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
            .map(([x, y]) => `${sx(x).toFixed(2)},${sy(y).toFixed(2)}`)
            .join(' ')}"/>`,
      )
      .join('\n'),
  );
}

export interface HeatMapArgs {
  title: string;
  /** Labels of the rows (top to bottom) and of the columns (left to right). */
  rows: readonly string[];
  cols: readonly string[];
  /** values[row][col], each in [0, 1] (an attention weight). */
  values: ReadonlyArray<ArrayLike<number>>;
  /** Axis titles: what the rows and the columns are. */
  rowLabel?: string;
  colLabel?: string;
}

/**
 * A grid of cells shaded from white (0) to dark blue (1), with the row and column labels and the
 * value in each cell: an attention map, output tokens (rows) by input tokens (columns).
 */
export function heatMap(args: HeatMapArgs): string {
  const cell = 28;
  const left = 90;
  const top = 70;
  const w = left + args.cols.length * cell + 20;
  const h = top + args.rows.length * cell + 30;
  const shade = (v: number) => {
    const t = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));
    // white -> #08306b (matplotlib's Blues at its dark end), linear in each channel
    const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
    return `rgb(${mix(255, 8)},${mix(255, 48)},${mix(255, 107)})`;
  };
  const cells = args.values.flatMap((row, r) =>
    Array.from(row, (v, c) => {
      const x = left + c * cell;
      const y = top + r * cell;
      const text = v >= 0.5 ? 'white' : '#333';
      return (
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${shade(v)}"><title>${escapeXml(args.rows[r] ?? '')} / ${escapeXml(args.cols[c] ?? '')}: ${v.toFixed(3)}</title></rect>` +
        `<text x="${x + cell / 2}" y="${y + cell / 2 + 3}" text-anchor="middle" font-size="8" fill="${text}">${v.toFixed(2).replace(/^0/, '')}</text>`
      );
    }),
  );
  const colLabels = args.cols.map(
    (l, c) =>
      `<text x="${left + c * cell + cell / 2}" y="${top - 8}" text-anchor="middle">${escapeXml(l)}</text>`,
  );
  const rowLabels = args.rows.map(
    (l, r) =>
      `<text x="${left - 8}" y="${top + r * cell + cell / 2 + 4}" text-anchor="end">${escapeXml(l)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ${ROOT}>`,
    background(w, h),
    `<text x="${w / 2}" y="20" text-anchor="middle" font-size="15">${escapeXml(args.title)}</text>`,
    args.colLabel
      ? `<text x="${left + (args.cols.length * cell) / 2}" y="42" text-anchor="middle" fill="#555" style="fill: ${MUTED}">${escapeXml(args.colLabel)}</text>`
      : '',
    args.rowLabel
      ? `<text transform="translate(16 ${top + (args.rows.length * cell) / 2}) rotate(-90)" text-anchor="middle" fill="#555" style="fill: ${MUTED}">${escapeXml(args.rowLabel)}</text>`
      : '',
    ...colLabels,
    ...rowLabels,
    ...cells,
    '</svg>',
    '',
  ].join('\n');
}
