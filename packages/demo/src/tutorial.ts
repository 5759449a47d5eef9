/**
 * The tutorial's settings and its progress line, without tfjs: what `rnnkit demo`'s flags and the
 * docs' demo forms start from. The programs that use them are char-model.ts and
 * window-regression.ts (`@rnnkit/demo/programs`).
 *
 * @example
 * ```ts
 * formatStep({ i: 0, loss: 2.6969, prediction: 'Ma .amg .s ya Myungm.aa.' });
 * // '0  2.6969  Ma .amg .s ya Myungm.aa.'
 * ```
 */

/** Program 1's sentence. */
export const DEFAULT_TEXT = ' My name is Ji Myung Hwa.';
/** Program 1's Adam iterations. */
export const DEFAULT_ITERATIONS = 20;
/** Program 2's epochs. */
export const DEFAULT_EPOCHS = 1000;

/** One iteration of program 1. */
export interface CharStep {
  i: number;
  loss: number;
  /** The argmax character of every step, joined. */
  prediction: string;
}

/** The tutorial's progress line: `i  loss  prediction`. */
export const formatStep = (s: CharStep): string => `${s.i}  ${s.loss.toFixed(4)}  ${s.prediction}`;
