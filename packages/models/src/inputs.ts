/** What a model reads at each time step. */
import { checkInt } from './errors.js';

export type InputSpec =
  /** Token ids given one-hot: x_t is [vocabSize], as in the tutorial. */
  | { type: 'oneHot'; vocabSize: number }
  /** Numeric series: x_t is [features]. */
  | { type: 'features'; features: number };

/** Width of x_t. */
export function inputWidth(input: InputSpec): number {
  const width = input.type === 'oneHot' ? input.vocabSize : input.features;
  checkInt(
    input.type === 'oneHot' ? 'vocabSize' : 'features',
    width,
    1,
    'the input needs at least one feature per step',
  );
  return width;
}
