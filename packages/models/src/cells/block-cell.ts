/**
 * `blockCell(k, args)`: a tfjs-layers cell that holds the weights of a cell with k gate blocks
 * (kernel [features, k*units], recurrent_kernel [units, k*units], bias [k*units]) and one state
 * of `units`, for cells tfjs has no stock cell for (a cell added with `registerCell`). It is
 * tfjs's SimpleRNNCell with k times the columns; its own per-step `call` is never used (the layer
 * runs the sequence through the recurrence kernel, which runs the cell's `stepTensors`).
 * Neighbours: `cell.ts` (`CellDefinition.stockCell`), `gru.ts` (the same idea for GRU's bias).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { RNNCell, SimpleRNNCell } from '@tensorflow/tfjs-layers/dist/layers/recurrent.js';

type Shape = (number | null)[];

/**
 * A stock tfjs-layers cell class by its registered name ('LSTMCell'), looked up when a layer is
 * built (tfjs-layers registers it when it loads): so the cells' files need not load tfjs-layers,
 * and the fast kernel's worker, which reads them, does not.
 */
export function stockCellClass<T>(name: string): T {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[name];
  if (entry == null) throw new Error(`tfjs-layers did not register ${name}`);
  return entry[0] as unknown as T;
}

export function blockCell(k: number, args: Record<string, unknown>): RNNCell {
  const Stock = stockCellClass<typeof SimpleRNNCell>('SimpleRNNCell');
  class BlockCell extends Stock {
    override build(inputShape: Shape | Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
      const inputDim = shape[shape.length - 1] as number;
      const u = this.units;
      this.kernel = this.addWeight('kernel', [inputDim, k * u], undefined, this.kernelInitializer);
      this.recurrentKernel = this.addWeight(
        'recurrent_kernel',
        [u, k * u],
        undefined,
        this.recurrentInitializer,
      );
      // tfjs's typings say LayerVariable; the stock cells keep null when useBias is false
      this.bias = (
        this.useBias ? this.addWeight('bias', [k * u], undefined, this.biasInitializer) : null
      ) as tfl.LayerVariable;
      this.built = true;
    }
  }
  return new BlockCell(args as unknown as tfl.SimpleRNNCellLayerArgs);
}
