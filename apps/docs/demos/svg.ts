/**
 * Two tiny SVG charts as strings (no dependency): a scatter of point series and a line chart.
 * Axes are linear, from the data's min to max with 5% padding; one legend entry per series.
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
const M = { left: 64, right: 16, top: 32, bottom: 44 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? v.toPrecision(3) : v.toExponential(1));

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
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(args.title)}" class="rk-chart">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${esc(args.title)}</text>`,
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="#888"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="#888"/>`,
  ];
  for (const t of ticks) {
    const xv = x0 + t * (x1 - x0);
    const yv = y0 + t * (y1 - y0);
    const yLabel = args.logY ? 10 ** yv : yv;
    const yPix = H - M.bottom - t * (H - M.top - M.bottom);
    out.push(
      `<text x="${sx(xv)}" y="${H - M.bottom + 14}" text-anchor="middle" font-size="10">${fmt(xv)}</text>`,
      `<text x="${M.left - 4}" y="${yPix + 3}" text-anchor="end" font-size="10">${fmt(yLabel)}</text>`,
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
  out.push('</svg>');
  return out.join('');
}

export const scatterChart = (args: ChartArgs): string => frame(args, 'scatter');
export const lineChart = (args: ChartArgs): string => frame(args, 'line');
