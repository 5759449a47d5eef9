/**
 * `@rnnkit/models`: SimpleRNN, LSTM and GRU layers with Keras defaults on a fast recurrence
 * kernel; the `manyToOne`, `manyToMany`, `oneToMany` and `seq2seq` topologies; stateful
 * generation, sampling and beam search; and the model artifact (`save`/`load`).
 *
 * Neighbours: the folders `cells/`, `layers/`, `topologies/`, `generation/`, `recurrence/`,
 * `artifact/` and `fast/` (see CONTRIBUTING.md).
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
import './fast/install.js';

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
export type { WeightsDType } from './artifact/weight-dtype.js';
export { WEIGHTS_DTYPES } from './artifact/weight-dtype.js';
export { DEFAULT_RECURRENT_ACTIVATION } from './cells/activations.js';
export type { ArrayStep, CellDefinition, TensorStep } from './cells/cell.js';
export { DEFAULT_RESET_AFTER } from './cells/gru.js';
export type { CellType } from './cells/index.js';
export { CELL_TYPES, CELLS, cellOf, registerCell } from './cells/index.js';
export type { CellLayout, GateName } from './cells/layouts.js';
export { CELL_LAYOUTS, gatePermutation, onnxBias, permuteGateColumns } from './cells/layouts.js';
export { ModelsError } from './errors.js';
export type { FusedLossName } from './fast/fused-head.js';
export { FUSED_LOSSES } from './fast/fused-head.js';
export type { EngineStatus, RecurrenceEngine } from './fast/native.js';
export { recurrenceEngine, setNativeWarning, setRecurrenceEngine } from './fast/native.js';
export type { RecurrenceThreads, StartThreadsOptions } from './fast/pool.js';
export {
  getRecurrenceThreads,
  setRecurrenceThreads,
  startRecurrenceThreads,
} from './fast/pool.js';
export type { FusedHeadLoss } from './fast-seam.js';
export { fusedHeadLoss } from './fast-seam.js';
export type {
  BeamDecoder,
  OneToManyLike,
  Seq2SeqLike,
  TensorDecoderStep,
} from './generation/beam-decoders.js';
export { oneToManyDecoder, seq2seqDecoder, tensorStep } from './generation/beam-decoders.js';
export type {
  BeamSearchArgs,
  BeamStep,
  BeamStepResult,
  Hypothesis,
} from './generation/beam-search.js';
export {
  beamSearch,
  DEFAULT_BEAM_WIDTH,
  DEFAULT_LENGTH_PENALTY,
  logSoftmax,
} from './generation/beam-search.js';
export type { GenerateArgs, GenerateResult, Generation } from './generation/generate.js';
export { generate } from './generation/generate.js';
export type { SamplingArgs } from './generation/sampling.js';
export { argmax, checkSampling, DEFAULT_SAMPLING, sampleToken } from './generation/sampling.js';
export type { LmState, StatefulLM, StatefulLMArgs, StepEngine } from './generation/stateful.js';
export { DEFAULT_STEP_ENGINE, statefulLM } from './generation/stateful.js';
export type { AdditiveAttentionArgs, AttentionType } from './layers/attention.js';
export {
  AdditiveAttention,
  ATTENTION_TYPES,
  AttentionLayer,
  DotAttention,
  PaddingMask,
} from './layers/attention.js';
export { initializeWeights } from './layers/init-weights.js';
export { glorotUniform, orthogonal } from './layers/initializers.js';
export type { InputSpec } from './layers/inputs.js';
export { EMBEDDING_INIT_LIMIT, GivenMask, INPUT_TYPES } from './layers/inputs.js';
export type { GRUArgs, LSTMArgs, SimpleRNNArgs } from './layers/recurrent.js';
export { GRU, LSTM, RecurrentLayer, SimpleRNN } from './layers/recurrent.js';
export type { RecurrentLayerArgs } from './layers/recurrent-layer.js';
export { recurrentLayer } from './layers/recurrent-layer.js';
export type {
  RecurrenceInputs,
  RecurrenceKernel,
  RecurrenceOutputs,
} from './recurrence/contract.js';
export { referenceRecurrence } from './recurrence/reference.js';
export type { RecurrenceKernelName } from './recurrence/select.js';
export { getRecurrenceKernel, runRecurrence, setRecurrenceKernel } from './recurrence/select.js';
export type { ManyToManyArgs, ManyToManyModel, RecurrentModel } from './topologies/many-to-many.js';
export { manyToMany } from './topologies/many-to-many.js';
export type { Head, ManyToOneArgs, ManyToOneModel } from './topologies/many-to-one.js';
export { HEAD_TYPES, manyToOne } from './topologies/many-to-one.js';
export type { ConditionSpec, OneToManyArgs, OneToManyModel } from './topologies/one-to-many.js';
export { BroadcastTime, oneToMany } from './topologies/one-to-many.js';
export type { DecodedStep, Encoded, Seq2SeqArgs, Seq2SeqModel } from './topologies/seq2seq.js';
export { DEFAULT_ATTENTION, seq2seq } from './topologies/seq2seq.js';
export type { CommonArgs } from './topologies/stack.js';
export {
  DEFAULT_CELL,
  DEFAULT_DROPOUT,
  DEFAULT_LAYERS,
  DEFAULT_SEED,
  ReverseTime,
} from './topologies/stack.js';
export type { Stream, StreamState } from './topologies/stream.js';
export { stream } from './topologies/stream.js';
