export { WindowingError } from './errors.js';
export type { NextTokenArgs, NextTokenWindow, NextTokenWindows } from './next-token.js';
export { nextTokenWindows } from './next-token.js';
export { mulberry32 } from './random.js';
export type { SeriesWindows, SeriesWindowsArgs } from './series-windows.js';
export { seriesWindows } from './series-windows.js';
export type { ShuffledSplitArgs } from './split.js';
export { shuffledSplit } from './split.js';
