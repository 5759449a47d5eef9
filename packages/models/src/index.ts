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

export { ArtifactError, type ArtifactErrorCode } from './artifact/errors.js';
export type { ArtifactFileSystem } from './artifact/file-system.js';
export { type LoadedModel, load } from './artifact/load.js';
export { type ArtifactLocation, type ArtifactOptions, save } from './artifact/save.js';
export {
  ARTIFACT_FORMAT_VERSION,
  type ArtifactMeta,
  parseRnnkitJSON,
  type RnnkitJSON,
} from './artifact/schema.js';
export { nodeFileHandler } from './artifact/tfjs-files.js';
export { WEIGHTS_DTYPES, type WeightsDType } from './artifact/weight-dtype.js';
export { DEFAULT_RECURRENT_ACTIVATION } from './cells/activations.js';
export type { ArrayStep, CellDefinition, TensorStep } from './cells/cell.js';
export { DEFAULT_RESET_AFTER } from './cells/gru.js';
export { CELL_TYPES, CELLS, type CellType, cellOf, registerCell } from './cells/index.js';
export {
  CELL_LAYOUTS,
  type CellLayout,
  type GateName,
  gatePermutation,
  onnxBias,
  permuteGateColumns,
} from './cells/layouts.js';
export { ModelsError } from './errors.js';
export { FUSED_LOSSES, type FusedLossName } from './fast/fused-head.js';
export {
  type EngineStatus,
  type RecurrenceEngine,
  recurrenceEngine,
  setNativeWarning,
  setRecurrenceEngine,
} from './fast/native.js';
export {
  getRecurrenceThreads,
  type RecurrenceThreads,
  type StartThreadsOptions,
  setRecurrenceThreads,
  startRecurrenceThreads,
} from './fast/pool.js';
export { type FusedHeadLoss, fusedHeadLoss } from './fast-seam.js';
export {
  type BeamDecoder,
  type OneToManyLike,
  oneToManyDecoder,
  type Seq2SeqLike,
  seq2seqDecoder,
  type TensorDecoderStep,
  tensorStep,
} from './generation/beam-decoders.js';
export {
  type BeamSearchArgs,
  type BeamStep,
  type BeamStepResult,
  beamSearch,
  DEFAULT_BEAM_WIDTH,
  DEFAULT_LENGTH_PENALTY,
  type Hypothesis,
  logSoftmax,
} from './generation/beam-search.js';
export {
  type GenerateArgs,
  type GenerateResult,
  type Generation,
  generate,
} from './generation/generate.js';
export {
  argmax,
  checkSampling,
  DEFAULT_SAMPLING,
  type SamplingArgs,
  sampleToken,
} from './generation/sampling.js';
export {
  DEFAULT_STEP_ENGINE,
  type LmState,
  type StatefulLM,
  type StatefulLMArgs,
  type StepEngine,
  statefulLM,
} from './generation/stateful.js';
export {
  AdditiveAttention,
  type AdditiveAttentionArgs,
  ATTENTION_TYPES,
  AttentionLayer,
  type AttentionType,
  DotAttention,
  PaddingMask,
} from './layers/attention.js';
export { initializeWeights } from './layers/init-weights.js';
export { glorotUniform, orthogonal } from './layers/initializers.js';
export { EMBEDDING_INIT_LIMIT, GivenMask, INPUT_TYPES, type InputSpec } from './layers/inputs.js';
export {
  GRU,
  type GRUArgs,
  LSTM,
  type LSTMArgs,
  RecurrentLayer,
  SimpleRNN,
  type SimpleRNNArgs,
} from './layers/recurrent.js';
export { type RecurrentLayerArgs, recurrentLayer } from './layers/recurrent-layer.js';
export type {
  RecurrenceInputs,
  RecurrenceKernel,
  RecurrenceOutputs,
} from './recurrence/contract.js';
export { referenceRecurrence } from './recurrence/reference.js';
export {
  getRecurrenceKernel,
  type RecurrenceKernelName,
  runRecurrence,
  setRecurrenceKernel,
} from './recurrence/select.js';
export {
  type ManyToManyArgs,
  type ManyToManyModel,
  manyToMany,
  type RecurrentModel,
} from './topologies/many-to-many.js';
export {
  HEAD_TYPES,
  type Head,
  type ManyToOneArgs,
  type ManyToOneModel,
  manyToOne,
} from './topologies/many-to-one.js';
export {
  BroadcastTime,
  type ConditionSpec,
  type OneToManyArgs,
  type OneToManyModel,
  oneToMany,
} from './topologies/one-to-many.js';
export {
  DEFAULT_ATTENTION,
  type DecodedStep,
  type Encoded,
  type Seq2SeqArgs,
  type Seq2SeqModel,
  seq2seq,
} from './topologies/seq2seq.js';
export {
  type CommonArgs,
  DEFAULT_CELL,
  DEFAULT_DROPOUT,
  DEFAULT_LAYERS,
  DEFAULT_SEED,
  ReverseTime,
} from './topologies/stack.js';
export { type Stream, type StreamState, stream } from './topologies/stream.js';
