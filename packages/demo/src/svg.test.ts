import { describe, expect, it } from 'vitest';
import { heatMap, lineChart, scatterChart, ticks } from './svg.js';

describe('ticks', () => {
  it('picks steps of 1, 2 or 5 times a power of ten', () => {
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(0, 1000)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(ticks(-0.03, 0.07)).toEqual([-0.02, 0, 0.02, 0.04, 0.06]);
  });
});

describe('charts', () => {
  it('draws one circle per finite point and escapes the title', () => {
    const svg = scatterChart({
      title: 'a < b',
      series: [
        {
          name: 's',
          color: 'red',
          points: [
            [0, 1],
            [1, 2],
            [2, Number.NaN],
          ],
        },
      ],
    });
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('a &#60; b');
  });

  it('draws a polyline through the points', () => {
    const svg = lineChart({
      title: 'loss',
      series: [
        {
          name: 'train',
          color: 'blue',
          points: [
            [1, 3],
            [2, 1],
          ],
        },
      ],
    });
    expect(svg.match(/<polyline /g)).toHaveLength(1);
    expect(svg.match(/points="([^"]+)"/)![1]!.split(' ')).toHaveLength(2);
  });
});

describe('heatMap', () => {
  it('draws one shaded cell per value, white at 0 and dark blue at 1, with escaped labels', () => {
    const svg = heatMap({
      title: 'attention',
      rows: ['K', '<eos>'],
      cols: ['c', 'a', 't'],
      values: [
        [1, 0, 0],
        [0.25, 0.25, 0.5],
      ],
    });
    expect(svg.match(/<rect x=/g)).toHaveLength(6);
    expect(svg).toContain('fill="rgb(8,48,107)"');
    expect(svg).toContain('fill="rgb(255,255,255)"');
    expect(svg).toContain('&#60;eos&#62;');
  });
});

describe('chart options', () => {
  const series = [
    {
      name: 'train',
      color: 'blue',
      points: [
        [1, 1],
        [2, 0.01],
        [3, 0.0001],
      ] as const,
    },
  ];

  it('spaces a log y axis by orders of magnitude', () => {
    const svg = lineChart({ title: 'loss', logY: true, series });
    const ys = svg
      .match(/points="([^"]+)"/)![1]!
      .split(' ')
      .map((p) => Number(p.split(',')[1]));
    // 1 -> 0.01 -> 0.0001: two decades each, so the same drop in pixels
    expect(ys[1]! - ys[0]!).toBeCloseTo(ys[2]! - ys[1]!, 6);
    expect(svg).toContain('>0.01</text>');
  });

  it('puts a class on the svg only when asked', () => {
    expect(lineChart({ title: 'loss', series, className: 'rk-chart' })).toMatch(
      /^<svg [^>]* class="rk-chart">/,
    );
    expect(lineChart({ title: 'loss', series })).not.toContain('class=');
  });

  it("takes the page's theme colours, and draws dark on white in a file", () => {
    const series = [{ name: 's', color: 'red', points: [[0, 1] as const, [1, 2] as const] }];
    const map = heatMap({ title: 't', rows: ['a'], cols: ['b'], values: [[0.5]], rowLabel: 'r' });
    for (const svg of [
      lineChart({ title: 't', series }),
      scatterChart({ title: 't', series }),
      map,
    ]) {
      const root = svg.match(/<svg [^>]*>/)![0];
      // text and axes are currentColor: the theme's text colour, else #222
      expect(root).toContain('fill="currentColor"');
      expect(root).toContain('color="#222"');
      expect(root).toContain('style="color: var(--vp-c-text-1, #222)"');
      // the background: the theme's, else white (the attribute, for viewers without var())
      expect(svg).toMatch(
        /<rect width="\d+" height="\d+" fill="white" style="fill: var\(--vp-c-bg, #fff\)"\/>/,
      );
      expect(svg).not.toMatch(/#333"\/>|stroke="#/);
    }
    expect(
      lineChart({ title: 't', series }).match(/stroke="currentColor"/g)!.length,
    ).toBeGreaterThan(2);
  });
});
