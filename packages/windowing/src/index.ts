/**
 * `@rnnkit/windowing`: sequences and series cut into training examples (Keras semantics), with
 * padding and masks, bucketing, seq2seq pairs, splits in time order, scalers fit on the training
 * part only, lazy seeded batches and tensor adapters.
 *
 * @example
 * ```ts
 * import { nextTokenWindows } from '@rnnkit/windowing';
 * const ids = Int32Array.from([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]);
 * const windows = nextTokenWindows(ids, { seqLength: 4, stride: 2, lastWindow: 'pad' });
 * windows.length; // 4
 * windows.get(3); // { x: [2, 6, 5, 0], y: [6, 5, 3, 0], mask: [1, 1, 1, 0] } (typed arrays)
 * ```
 *
 * @packageDocumentation
 */
export type { ArrayBatch, BatchArray, Batches, BatchesArgs, ExampleSource } from './batches.js';
export { batches } from './batches.js';
export type { BucketArgs } from './bucketing.js';
export { bucketBatches } from './bucketing.js';
export type { WindowingErrorCode } from './errors.js';
export { WindowingError } from './errors.js';
export type { SeriesInput, SeriesMatrix } from './matrix.js';
export { toMatrix } from './matrix.js';
export type {
  NextTokenArgs,
  NextTokenBatch,
  NextTokenWindow,
  NextTokenWindows,
} from './next-token.js';
export { nextTokenCount, nextTokenWindows } from './next-token.js';
export type { PadArgs, PaddedBatch, PaddedSequences } from './padding.js';
export { padSequences } from './padding.js';
export { mulberry32, permutation, shuffleInPlace } from './random.js';
export type { FitArgs, ScaleArgs, Scaler, ScalerJSON } from './scalers.js';
export { MinMaxScaler, StandardScaler, scalerFromJSON } from './scalers.js';
export type { Seq2SeqArgs, Seq2SeqBatch, Seq2SeqPairs } from './seq2seq.js';
export { seq2seqPairs } from './seq2seq.js';
export type {
  SeriesBatch,
  SeriesWindowSource,
  SeriesWindows,
  SeriesWindowsArgs,
} from './series-windows.js';
export {
  seriesBatches,
  seriesWindowCount,
  seriesWindowSource,
  seriesWindows,
} from './series-windows.js';
export type {
  ChronologicalSplit,
  ChronologicalSplitArgs,
  RowRange,
  ShuffledSplit,
  ShuffledSplitArgs,
} from './split.js';
export { chronologicalSplit, shuffledSplit } from './split.js';
export type { FitDataset, FitDatasetArgs, TensorsOf } from './tensors.js';
export { tensorBatches, toFitDataset, toTensors } from './tensors.js';
