/**
 * `@rnnkit/models`: SimpleRNN, LSTM and GRU layers with Keras defaults on a fast recurrence
 * kernel; the `manyToOne`, `manyToMany`, `oneToMany` and `seq2seq` topologies; stateful
 * generation, sampling and beam search; and the model artifact (`save`/`load`).
 *
 * @example
 * ```ts
 * import { manyToOne } from '@rnnkit/models';
 * // the tutorial's Sequential([LSTM(1, input_shape=(5, 1))])
 * const { model } = manyToOne({
 *   cell: 'lstm',
 *   units: 1,
 *   input: { type: 'features', features: 1 },
 *   seqLength: 5,
 *   head: { type: 'none' },
 *   seed: 0,
 * });
 * model.outputs[0].shape; // [null, 1]
 * ```
 *
 * @packageDocumentation
 */
export type { ArtifactErrorCode } from './artifact/errors.js';
export { ArtifactError } from './artifact/errors.js';
export type { ArtifactFileSystem } from './artifact/file-system.js';
export type { LoadedModel } from './artifact/load.js';
export { load } from './artifact/load.js';
export type { ArtifactLocation, ArtifactOptions } from './artifact/save.js';
export { save } from './artifact/save.js';
export type { ArtifactMeta, RnnkitJSON } from './artifact/schema.js';
export { ARTIFACT_FORMAT_VERSION, parseRnnkitJSON } from './artifact/schema.js';
export { nodeFileHandler } from './artifact/tfjs-files.js';
export type { AdditiveAttentionArgs, AttentionType } from './attention.js';
export {
  AdditiveAttention,
  ATTENTION_TYPES,
  AttentionLayer,
  DotAttention,
  PaddingMask,
} from './attention.js';
export type {
  BeamDecoder,
  OneToManyLike,
  Seq2SeqLike,
  TensorDecoderStep,
} from './beam-decoders.js';
export { oneToManyDecoder, seq2seqDecoder, tensorStep } from './beam-decoders.js';
export type { BeamSearchArgs, BeamStep, BeamStepResult, Hypothesis } from './beam-search.js';
export {
  beamSearch,
  DEFAULT_BEAM_WIDTH,
  DEFAULT_LENGTH_PENALTY,
  logSoftmax,
} from './beam-search.js';
export type { CellLayout, GateName } from './cells/layouts.js';
export {
  CELL_LAYOUTS,
  gatePermutation,
  onnxBias,
  permuteGateColumns,
} from './cells/layouts.js';
export type { CellType, RecurrentLayerArgs } from './cells.js';
export {
  CELL_TYPES,
  DEFAULT_RECURRENT_ACTIVATION,
  DEFAULT_RESET_AFTER,
  recurrentLayer,
} from './cells.js';
export { ModelsError } from './errors.js';
export type { FusedHeadLoss, FusedLossName } from './fused-head.js';
export { FUSED_LOSSES, fusedHeadLoss } from './fused-head.js';
export type { GenerateArgs, GenerateResult, Generation } from './generate.js';
export { generate } from './generate.js';
export { initializeWeights } from './init-weights.js';
export { glorotUniform, orthogonal } from './initializers.js';
export type { InputSpec } from './inputs.js';
export { EMBEDDING_INIT_LIMIT, INPUT_TYPES } from './inputs.js';
export { fastRecurrence } from './kernels/fast.js';
export {
  denseMatMul,
  denseMeanSquaredError,
  denseSoftmaxCrossEntropy,
} from './kernels/fast-dense.js';
export type { RecurrenceKernelName } from './kernels/index.js';
export { getRecurrenceKernel, runRecurrence, setRecurrenceKernel } from './kernels/index.js';
export type {
  RecurrenceInputs,
  RecurrenceKernel,
  RecurrenceOutputs,
} from './kernels/recurrence.js';
export { referenceRecurrence } from './kernels/reference.js';
export { ensureWasmSegmentSum } from './kernels/segment-sum.js';
export type { GRUArgs, LSTMArgs, SimpleRNNArgs } from './layers/recurrent.js';
export { GRU, LSTM, RecurrentLayer, SimpleRNN } from './layers/recurrent.js';
export type { ManyToManyArgs, ManyToManyModel, RecurrentModel } from './many-to-many.js';
export { manyToMany } from './many-to-many.js';
export type { Head, ManyToOneArgs, ManyToOneModel } from './many-to-one.js';
export { HEAD_TYPES, manyToOne } from './many-to-one.js';
export type { ConditionSpec, OneToManyArgs, OneToManyModel } from './one-to-many.js';
export { BroadcastTime, oneToMany } from './one-to-many.js';
export type { RecurrenceThreads } from './parallel/pool.js';
export { getRecurrenceThreads, setRecurrenceThreads } from './parallel/pool.js';
export type { SamplingArgs } from './sampling.js';
export { argmax, checkSampling, DEFAULT_SAMPLING, sampleToken } from './sampling.js';
export type { DecodedStep, Encoded, Seq2SeqArgs, Seq2SeqModel } from './seq2seq.js';
export { DEFAULT_ATTENTION, seq2seq } from './seq2seq.js';
export type { CommonArgs } from './stack.js';
export {
  DEFAULT_CELL,
  DEFAULT_DROPOUT,
  DEFAULT_LAYERS,
  DEFAULT_SEED,
  ReverseTime,
} from './stack.js';
export type { LmState, StatefulLM, StatefulLMArgs, StepEngine } from './stateful.js';
export { DEFAULT_STEP_ENGINE, statefulLM } from './stateful.js';
