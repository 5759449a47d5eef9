/**
 * `@rnnkit/demo/programs`: the tutorial's two programs, each a run the caller drives one step (or
 * epoch) at a time: char-model.ts (program 1) and window-regression.ts (program 2). They need
 * tfjs and the rnnkit packages; the charts and settings they share are the root entry's.
 *
 * @example
 * ```ts
 * import { createCharModel } from '@rnnkit/demo/programs';
 * const run = createCharModel({ text: ' My name is Ji Myung Hwa.', seed: 0 });
 * run.step(); // { i: 0, loss: 2.69..., prediction: 'Ma .amg .s ya Myungm.aa.' } on cpu
 * run.dispose();
 * ```
 */
export type { CharModelRun, CharModelStep, RecurrentWeights } from './char-model.js';
export { createCharModel, DemoInputError } from './char-model.js';
export type { WindowRegressionResult, WindowRegressionRun } from './window-regression.js';
export { createWindowRegression } from './window-regression.js';
