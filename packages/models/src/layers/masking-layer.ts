/**
 * The base of rnnkit's graph layers that carry a sequence's mask through (`supportsMasking`):
 * `ReverseTime` (`topologies/stack.ts`), `GivenMask` (`layers/inputs.ts`), `BroadcastTime`
 * (`topologies/one-to-many.ts`) and the attention layers (`layers/attention.ts`). A subclass
 * says what it does with the mask by overriding `computeMask` (tfjs's default passes it on).
 *
 * @example
 * ```ts
 * class Twice extends MaskingLayer {
 *   static className = 'my>Twice';
 *   override call(inputs: tf.Tensor | tf.Tensor[]) {
 *     return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0]! : inputs, 2));
 *   }
 * }
 * ```
 */
import * as tfl from '@tensorflow/tfjs-layers';

export abstract class MaskingLayer extends tfl.layers.Layer {
  constructor(args: { name?: string } = {}) {
    super(args);
    this.supportsMasking = true;
  }
}
