/**
 * `@rnnkit/demo` (internal, not published): what `rnnkit demo` and the docs' live demos share,
 * without tfjs: the SVG charts (svg.ts) and the tutorial's settings and progress line
 * (tutorial.ts). The two programs themselves, which need tfjs, are `@rnnkit/demo/programs`, so
 * that a page importing this entry stays free of tfjs (the docs load the programs in workers).
 *
 * @example
 * ```ts
 * import { DEFAULT_EPOCHS, lineChart } from '@rnnkit/demo';
 * lineChart({ title: 'loss', logY: true, series: [{ name: 'train', color: '#1f77b4', points: [[1, 0.5], [2, 0.01]] }] });
 * // '<svg xmlns="http://www.w3.org/2000/svg" ...'
 * ```
 *
 * @packageDocumentation
 */
export type { ChartArgs, HeatMapArgs, Series } from './svg.js';
export { heatMap, lineChart, scatterChart, ticks } from './svg.js';
export type { CharStep } from './tutorial.js';
export { DEFAULT_EPOCHS, DEFAULT_ITERATIONS, DEFAULT_TEXT, formatStep } from './tutorial.js';
