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
