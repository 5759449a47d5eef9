/**
 * Two tiny SVG charts as strings (no dependency): a scatter of point series and a line chart.
 * Axes run from the data's min to max with 5% padding, ticked at round numbers (1, 2 or 5 times a
 * power of ten; powers of ten on a log axis); one legend entry per series. Text and axes are drawn
 * in `currentColor`, so the chart follows the page's light or dark theme.
 */
export interface Series {
  name: string;
  color: string;
  points: ReadonlyArray<readonly [number, number]>;
}

export interface ChartArgs {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Log scale on y (the loss curve). Default false. */
  logY?: boolean;
}

const W = 520;
const H = 320;
const M = { left: 64, right: 28, top: 32, bottom: 44 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Round tick values within [lo, hi]: multiples of 1, 2 or 5 times a power of ten, about 5 of them. */
export function niceTicks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5.5; // the smallest round step giving at most 5 or 6 ticks
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) {
    out.push(Number((k * step).toPrecision(12)));
  }
  return out;
}

/** Tick values of a log10 axis from 10^lo to 10^hi: the powers of ten, with 2 and 5 times them when few. */
export function logTicks(lo: number, hi: number): number[] {
  const inRange = (v: number) => Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9;
  const powers: number[] = [];
  for (let e = Math.ceil(lo - 1e-9); e <= hi + 1e-9; e++) powers.push(Number(`1e${e}`));
  if (powers.length >= 3) return powers;
  const out: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number(`${m}e${e}`);
      if (inRange(v)) out.push(v);
    }
  }
  return out;
}

/** A tick's label: plain decimals for ordinary magnitudes, `1e-4` style for tiny or huge ones. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(6)));
  const [m, e] = v.toExponential().split('e');
  return `${Number(Number(m).toPrecision(3))}e${Number(e)}`;
}

function frame(args: ChartArgs, kind: 'scatter' | 'line'): string {
  const ty = (v: number) => (args.logY ? Math.log10(Math.max(v, 1e-12)) : v);
  const all = args.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => ty(p[1]));
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const py = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - py, y1 + py];
  const sx = (v: number) => M.left + ((v - x0) / (x1 - x0)) * (W - M.left - M.right);
  const sy = (v: number) => H - M.bottom - ((ty(v) - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(args.title)}" class="rk-chart">`,
    `<g fill="currentColor" stroke="none">`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${esc(args.title)}</text>`,
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="currentColor" stroke-opacity="0.5"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="currentColor" stroke-opacity="0.5"/>`,
  ];
  for (const xv of niceTicks(x0, x1)) {
    out.push(
      `<text x="${sx(xv).toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="middle" font-size="10">${tickLabel(xv)}</text>`,
    );
  }
  for (const yv of args.logY ? logTicks(y0, y1) : niceTicks(y0, y1)) {
    out.push(
      `<text x="${M.left - 4}" y="${(sy(yv) + 3).toFixed(1)}" text-anchor="end" font-size="10">${tickLabel(yv)}</text>`,
    );
  }
  out.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 6}" text-anchor="middle" font-size="11">${esc(args.xLabel)}</text>`,
    `<text x="14" y="${H / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 14 ${H / 2})">${esc(args.yLabel)}</text>`,
  );
  args.series.forEach((s, k) => {
    if (kind === 'scatter') {
      for (const [x, y] of s.points) {
        out.push(
          `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3.5" fill="${s.color}" fill-opacity="0.8"/>`,
        );
      }
    } else {
      const d = s.points
        .map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
        .join('');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
    }
    const ly = M.top + 4 + k * 16;
    out.push(
      `<rect x="${W - M.right - 110}" y="${ly}" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${W - M.right - 95}" y="${ly + 9}" font-size="11">${esc(s.name)}</text>`,
    );
  });
  out.push('</g></svg>');
  return out.join('');
}

export const scatterChart = (args: ChartArgs): string => frame(args, 'scatter');
export const lineChart = (args: ChartArgs): string => frame(args, 'line');
